import { PreservedKeys, type InstanceDto, type InstancePatchDto } from '@beacon/sdk/admin';
import {
  metadataChanges,
  rowsFromMetadata,
  rowsToMetadata,
  validateRows,
  type MetadataRow,
} from '../lib/metadata-rows.js';

/** The metadata keys that set an instance's beat timings (Nacos's preserved keys). */
export const TIMING_KEYS = {
  interval: PreservedKeys.beatInterval,
  timeout: PreservedKeys.beatTimeout,
  deleteTimeout: PreservedKeys.deleteTimeout,
} as const;

export type TimingField = keyof typeof TIMING_KEYS;
export const TIMING_FIELDS: readonly TimingField[] = ['interval', 'timeout', 'deleteTimeout'];

/** What the server assumes for a key that is not set (and what it validates edits against). */
export const TIMING_DEFAULTS: Readonly<Record<TimingField, number>> = {
  interval: 5000,
  timeout: 15000,
  deleteTimeout: 30000,
};

export const TIMING_LABELS: Readonly<Record<TimingField, string>> = {
  interval: 'Heartbeat interval',
  timeout: 'Unhealthy after',
  deleteTimeout: 'Deleted after',
};

export interface InstanceForm {
  /** Text as typed; '' means "not set", so the default applies. */
  readonly interval: string;
  readonly timeout: string;
  readonly deleteTimeout: string;
  readonly weight: string;
  readonly enabled: boolean;
  /** Free metadata, without the three timing keys (those have their own fields). */
  readonly metadata: readonly MetadataRow[];
}

export type InstanceFormField = TimingField | 'weight';

export interface InstanceFormErrors {
  readonly fields: Partial<Record<InstanceFormField, string>>;
  /** By metadata row id. */
  readonly rows: Readonly<Record<number, string>>;
}

const TIMING_KEY_LIST: readonly string[] = Object.values(TIMING_KEYS);

export function formFromInstance(instance: InstanceDto): InstanceForm {
  return {
    interval: instance.metadata[TIMING_KEYS.interval] ?? '',
    timeout: instance.metadata[TIMING_KEYS.timeout] ?? '',
    deleteTimeout: instance.metadata[TIMING_KEYS.deleteTimeout] ?? '',
    weight: String(instance.weight),
    enabled: instance.enabled,
    metadata: rowsFromMetadata(instance.metadata, TIMING_KEY_LIST),
  };
}

const WHOLE_MS = /^\d+$/;

/**
 * The checks the server makes (whole milliseconds; interval below the unhealthy timeout; that below
 * the delete timeout), made while typing. Like the server, timings are only checked when one of
 * them is being changed: an operator may edit the weight of an instance whose client registered
 * odd timings.
 */
export function validateInstanceForm(form: InstanceForm, original: InstanceDto): InstanceFormErrors {
  const fields: Partial<Record<InstanceFormField, string>> = {};
  const before = formFromInstance(original);
  const changed = TIMING_FIELDS.filter((f) => form[f].trim() !== before[f].trim());

  if (changed.length > 0) {
    const effective: Partial<Record<TimingField, number>> = {};
    for (const field of TIMING_FIELDS) {
      const text = form[field].trim();
      if (text === '') {
        effective[field] = TIMING_DEFAULTS[field];
      } else if (!WHOLE_MS.test(text) || !Number.isSafeInteger(Number(text))) {
        fields[field] = 'Enter whole milliseconds, e.g. 5000';
      } else if (Number(text) < 1) {
        fields[field] = 'Must be at least 1 ms';
      } else {
        effective[field] = Number(text);
      }
    }
    const { interval, timeout, deleteTimeout } = effective;
    if (interval !== undefined && timeout !== undefined && interval >= timeout) {
      // Blame the field the operator touched.
      const field = changed.includes('interval') || !changed.includes('timeout') ? 'interval' : 'timeout';
      fields[field] =
        field === 'interval'
          ? `Must be below the unhealthy timeout (${timeout} ms)`
          : `Must be above the heartbeat interval (${interval} ms)`;
    }
    if (timeout !== undefined && deleteTimeout !== undefined && timeout >= deleteTimeout && !fields.timeout) {
      const field = changed.includes('deleteTimeout') && !changed.includes('timeout') ? 'deleteTimeout' : 'timeout';
      fields[field] =
        field === 'timeout'
          ? `Must be below the delete timeout (${deleteTimeout} ms)`
          : `Must be above the unhealthy timeout (${timeout} ms)`;
    }
  }

  const weightText = form.weight.trim();
  const weight = Number(weightText);
  if (weightText === '') fields.weight = 'Enter a weight from 0 to 10000';
  else if (!Number.isFinite(weight) || weight < 0 || weight > 10000) fields.weight = 'Must be a number from 0 to 10000';

  const reserved = Object.fromEntries(TIMING_KEY_LIST.map((k) => [k, 'Set this timing in its own field above']));
  return { fields, rows: validateRows(form.metadata, reserved) };
}

export function hasErrors(errors: InstanceFormErrors): boolean {
  return Object.keys(errors.fields).length > 0 || Object.keys(errors.rows).length > 0;
}

/** The metadata the form describes, timing keys included. */
function formMetadata(form: InstanceForm): Record<string, string> {
  const metadata = rowsToMetadata(form.metadata);
  for (const field of TIMING_FIELDS) {
    const text = form[field].trim();
    if (text !== '') metadata[TIMING_KEYS[field]] = text;
  }
  return metadata;
}

/** Only what was edited: unchanged fields are left out; `undefined` when nothing changed. */
export function instancePatch(form: InstanceForm, original: InstanceDto): InstancePatchDto | undefined {
  const patch: InstancePatchDto = {};
  const weight = Number(form.weight.trim());
  if (weight !== original.weight) patch.weight = weight;
  if (form.enabled !== original.enabled) patch.enabled = form.enabled;
  const changes = metadataChanges(original.metadata, formMetadata(form));
  if (Object.keys(changes).length > 0) patch.metadata = changes;
  return Object.keys(patch).length > 0 ? patch : undefined;
}

/** Why a Nacos 2.x instance has no beat timings to show or edit. */
export const CONNECTION_HELD =
  'Held by its gRPC connection (Nacos 2.x client): it stays while the connection is open and goes when it closes, so the beat timings do not apply.';
