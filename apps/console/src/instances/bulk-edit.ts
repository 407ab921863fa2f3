import type { InstancePatchDto } from '@beacon/sdk/admin';
import { INTERVAL_BOUNDS_TEXT, INTERVAL_MAX_MS, INTERVAL_MIN_MS, TIMING_KEYS } from './instance-form.js';

/** One edit for many instances; a blank field leaves that value of each instance as it is. */
export interface BulkEditForm {
  /** Beat interval in ms; the operator's override on each instance. */
  readonly interval: string;
  readonly weight: string;
  /** `keep`: as it is; `client`: remove the operator's override, so each client's own flag applies. */
  readonly enabled: 'keep' | 'enabled' | 'disabled' | 'client';
  /** `key=value`: that metadata key on each instance, as an override. */
  readonly metadata: string;
}

export const EMPTY_BULK_EDIT: BulkEditForm = { interval: '', weight: '', enabled: 'keep', metadata: '' };

export type BulkEditErrors = Partial<Record<keyof BulkEditForm, string>>;

const TIMING_KEY_LIST: readonly string[] = Object.values(TIMING_KEYS);

/** The checks the server makes of the edit itself; what depends on one instance (its timeout) it reports per instance. */
export function validateBulkEdit(form: BulkEditForm): BulkEditErrors {
  const errors: BulkEditErrors = {};
  const interval = form.interval.trim();
  if (interval !== '') {
    const ms = Number(interval);
    if (!/^\d+$/.test(interval)) errors.interval = 'Enter whole milliseconds, e.g. 10000';
    else if (ms < INTERVAL_MIN_MS || ms > INTERVAL_MAX_MS) errors.interval = INTERVAL_BOUNDS_TEXT;
  }
  const weight = form.weight.trim();
  if (weight !== '' && !(Number(weight) >= 0 && Number(weight) <= 10000)) {
    errors.weight = 'Must be a number from 0 to 10000';
  }
  const metadata = form.metadata.trim();
  if (metadata !== '') {
    const eq = metadata.indexOf('=');
    const key = eq < 0 ? '' : metadata.slice(0, eq).trim();
    if (key === '') errors.metadata = 'Write key=value, e.g. zone=a';
    else if (TIMING_KEY_LIST.includes(key)) errors.metadata = 'Set the beat interval in its own field';
  }
  return errors;
}

/** The patch every selected instance gets; `undefined` while the form sets nothing or has errors. */
export function bulkPatch(form: BulkEditForm): InstancePatchDto | undefined {
  if (Object.keys(validateBulkEdit(form)).length > 0) return undefined;
  const patch: InstancePatchDto = {};
  const metadata: Record<string, string> = {};
  if (form.interval.trim() !== '') metadata[TIMING_KEYS.interval] = form.interval.trim();
  const pair = form.metadata.trim();
  if (pair !== '') {
    const eq = pair.indexOf('=');
    metadata[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  if (Object.keys(metadata).length > 0) patch.metadata = metadata;
  if (form.weight.trim() !== '') patch.weight = Number(form.weight.trim());
  if (form.enabled !== 'keep') patch.enabled = form.enabled === 'client' ? null : form.enabled === 'enabled';
  return Object.keys(patch).length > 0 ? patch : undefined;
}
