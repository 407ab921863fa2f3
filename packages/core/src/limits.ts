import { DEFAULT_NAME_LENGTHS, type NameLengths } from './name-lengths.js';

/** Bounds that keep one namespace from exhausting the server. Configurable; clear errors when hit. */
export interface Limits {
  maxServicesPerNamespace: number;
  maxInstancesPerNamespace: number;
  /** Serialized size of one instance's or service's metadata, in bytes. */
  maxMetadataBytes: number;
  /** Longest names a client may choose (service, group, cluster, namespace, ip, app). */
  nameLengths: NameLengths;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxServicesPerNamespace: 50_000,
  maxInstancesPerNamespace: 500_000,
  maxMetadataBytes: 16 * 1024,
  nameLengths: DEFAULT_NAME_LENGTHS,
});
