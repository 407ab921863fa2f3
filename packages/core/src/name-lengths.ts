import { InvalidParameterError } from './errors.js';
import { GROUP_SEPARATOR } from './names.js';

/**
 * Longest accepted value of each name a client chooses, in characters. Without bounds a single
 * request could store a megabyte-long service name in every table that keys on it.
 */
export interface NameLengths {
  /** The service name without its group. */
  readonly serviceName: number;
  readonly groupName: number;
  readonly clusterName: number;
  readonly namespaceId: number;
  /** An instance's address: an IP literal or a host name (at most 253 characters in DNS). */
  readonly ip: number;
  readonly app: number;
}

/** Nacos-like bounds: its console allows 128-character namespace ids and group names. */
export const DEFAULT_NAME_LENGTHS: NameLengths = Object.freeze({
  serviceName: 512,
  groupName: 128,
  clusterName: 64,
  namespaceId: 128,
  ip: 253,
  app: 128,
});

export type NameValues = { readonly [K in keyof NameLengths]?: string | undefined };

/**
 * Refuses the first value longer than its bound with a 400 naming the parameter. A grouped
 * service name (`group@@name`) is checked as its two parts.
 */
export function checkNameLengths(limits: NameLengths, values: NameValues): void {
  for (const key of Object.keys(values) as (keyof NameLengths)[]) {
    const value = values[key];
    if (value === undefined) continue;
    if (key === 'serviceName') {
      const at = value.indexOf(GROUP_SEPARATOR);
      if (at >= 0) {
        checkLength('groupName', value.slice(0, at), limits.groupName);
        checkLength('serviceName', value.slice(at + GROUP_SEPARATOR.length), limits.serviceName);
        continue;
      }
    }
    checkLength(key, value, limits[key]);
  }
}

function checkLength(param: string, value: string, max: number): void {
  if (value.length > max) {
    throw new InvalidParameterError(
      `Param '${param}' is too long: ${value.length} characters, at most ${max} are allowed`,
    );
  }
}
