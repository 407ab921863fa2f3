import type { ServiceDetailDto, ServiceUpdateDto } from '@beacon/sdk/admin';
import { protectThresholdError } from './protect-threshold.js';
import { rowsFromMetadata, rowsToMetadata, validateRows, type MetadataRow } from '../lib/metadata-rows.js';

export interface ServiceForm {
  /** Text as typed, a ratio from 0 to 1. */
  readonly protectThreshold: string;
  readonly metadata: readonly MetadataRow[];
}

export interface ServiceFormErrors {
  readonly protectThreshold?: string;
  readonly rows: Readonly<Record<number, string>>;
}

export function formFromService(service: ServiceDetailDto): ServiceForm {
  return { protectThreshold: String(service.protectThreshold), metadata: rowsFromMetadata(service.metadata) };
}

export function validateServiceForm(form: ServiceForm): ServiceFormErrors {
  const protectThreshold = protectThresholdError(form.protectThreshold);
  return { ...(protectThreshold ? { protectThreshold } : {}), rows: validateRows(form.metadata) };
}

export function hasServiceErrors(errors: ServiceFormErrors): boolean {
  return errors.protectThreshold !== undefined || Object.keys(errors.rows).length > 0;
}

function sameMap(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

/** Only what was edited (metadata is replaced whole, as the API does); `undefined` when nothing changed. */
export function serviceUpdate(form: ServiceForm, original: ServiceDetailDto): ServiceUpdateDto | undefined {
  const update: ServiceUpdateDto = {};
  const threshold = Number(form.protectThreshold.trim());
  if (threshold !== original.protectThreshold) update.protectThreshold = threshold;
  const metadata = rowsToMetadata(form.metadata);
  if (!sameMap(metadata, original.metadata)) update.metadata = metadata;
  return Object.keys(update).length > 0 ? update : undefined;
}
