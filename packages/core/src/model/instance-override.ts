import { EMPTY_METADATA, type Metadata, type MetadataChanges } from '../metadata.js';

/**
 * What an operator set on an instance, kept apart from what the client registered. A field that
 * is absent (and a metadata key that is absent) is not overridden: the client's value shows.
 */
export interface InstanceOverride {
  readonly weight?: number;
  readonly enabled?: boolean;
  readonly metadata: Metadata;
}

export const NO_OVERRIDE: InstanceOverride = Object.freeze({ metadata: EMPTY_METADATA });

/**
 * One operator edit of one instance, applied atomically as one change. A value sets the
 * override; `null` removes it, so the client's own value shows again; absent leaves it as it is.
 */
export interface OperatorEdit {
  readonly weight?: number | null;
  readonly enabled?: boolean | null;
  readonly metadata?: MetadataChanges;
}

/** The values the client registered: what shows wherever no override is set. */
export interface ClientValues {
  readonly weight: number;
  readonly enabled: boolean;
  readonly metadata: Metadata;
}

/** An instance as an operator sees it: effective values, the client's own, and what is overridden. */
export interface InstanceOverrideView {
  readonly effective: ClientValues;
  readonly client: ClientValues;
  readonly overridden: {
    readonly weight: boolean;
    readonly enabled: boolean;
    /** Metadata keys whose value is the operator's, sorted. */
    readonly metadataKeys: readonly string[];
  };
}

export function isEmptyOverride(o: InstanceOverride): boolean {
  return o.weight === undefined && o.enabled === undefined && Object.keys(o.metadata).length === 0;
}

export function sameOverride(a: InstanceOverride, b: InstanceOverride): boolean {
  if (a.weight !== b.weight || a.enabled !== b.enabled) return false;
  const ak = Object.keys(a.metadata);
  if (ak.length !== Object.keys(b.metadata).length) return false;
  for (const k of ak) if (a.metadata[k] !== b.metadata[k]) return false;
  return true;
}
