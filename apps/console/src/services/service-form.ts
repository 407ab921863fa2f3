import { PreservedKeys, type ServiceDetailDto, type ServiceUpdateDto } from '@beacon/sdk/admin';
import { INTERVAL_BOUNDS_TEXT, INTERVAL_MAX_MS, INTERVAL_MIN_MS } from '../instances/instance-form.js';
import { protectThresholdError } from './protect-threshold.js';
import { rowsFromMetadata, rowsToMetadata, validateRows, type MetadataRow } from '../lib/metadata-rows.js';

/** The service metadata key that holds its default beat interval (a Beacon extension). */
const INTERVAL_KEY = PreservedKeys.beatInterval;

export interface ServiceForm {
  /** Text as typed, a ratio from 0 to 1. */
  readonly protectThreshold: string;
  /** Default beat interval in ms as typed; '' for none (the server's default applies). */
  readonly defaultBeatInterval: string;
  /** Metadata without the default beat interval (it has its own field). */
  readonly metadata: readonly MetadataRow[];
}

export interface ServiceFormErrors {
  readonly protectThreshold?: string;
  readonly defaultBeatInterval?: string;
  readonly rows: Readonly<Record<number, string>>;
}

export function formFromService(service: ServiceDetailDto): ServiceForm {
  return {
    protectThreshold: String(service.protectThreshold),
    defaultBeatInterval: service.metadata[INTERVAL_KEY] ?? '',
    metadata: rowsFromMetadata(service.metadata, [INTERVAL_KEY]),
  };
}

export function validateServiceForm(form: ServiceForm): ServiceFormErrors {
  const protectThreshold = protectThresholdError(form.protectThreshold);
  const interval = form.defaultBeatInterval.trim();
  const intervalError =
    interval === ''
      ? undefined
      : !/^\d+$/.test(interval)
        ? 'Enter whole milliseconds, e.g. 10000'
        : Number(interval) < INTERVAL_MIN_MS || Number(interval) > INTERVAL_MAX_MS
          ? INTERVAL_BOUNDS_TEXT
          : undefined;
  return {
    ...(protectThreshold ? { protectThreshold } : {}),
    ...(intervalError ? { defaultBeatInterval: intervalError } : {}),
    rows: validateRows(form.metadata, { [INTERVAL_KEY]: 'Set the default beat interval in its own field' }),
  };
}

export function hasServiceErrors(errors: ServiceFormErrors): boolean {
  return (
    errors.protectThreshold !== undefined ||
    errors.defaultBeatInterval !== undefined ||
    Object.keys(errors.rows).length > 0
  );
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
  const interval = form.defaultBeatInterval.trim();
  if (interval !== (original.metadata[INTERVAL_KEY] ?? '')) {
    update.defaultBeatIntervalMs = interval === '' ? null : Number(interval);
  }
  const metadata = rowsToMetadata(form.metadata);
  if (interval !== '') metadata[INTERVAL_KEY] = interval;
  if (!sameMap(metadata, original.metadata)) update.metadata = metadata;
  // The interval alone changed: its own field says it; the metadata need not be sent.
  if (update.metadata && update.defaultBeatIntervalMs !== undefined) {
    const rest = { ...original.metadata };
    if (interval === '') delete rest[INTERVAL_KEY];
    else rest[INTERVAL_KEY] = interval;
    if (sameMap(metadata, rest)) delete update.metadata;
  }
  return Object.keys(update).length > 0 ? update : undefined;
}
