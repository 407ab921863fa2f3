import { InvalidParameterError } from './errors.js';

export type Metadata = Readonly<Record<string, string>>;

export const EMPTY_METADATA: Metadata = Object.freeze({});

export const PreservedKeys = {
  beatInterval: 'preserved.heart.beat.interval',
  beatTimeout: 'preserved.heart.beat.timeout',
  deleteTimeout: 'preserved.ip.delete.timeout',
  idGenerator: 'preserved.instance.id.generator',
  registerSource: 'preserved.register.source',
} as const;

export const DEFAULT_BEAT_INTERVAL_MS = 5000;
export const DEFAULT_BEAT_TIMEOUT_MS = 15000;
export const DEFAULT_DELETE_TIMEOUT_MS = 30000;

/** Metadata is a JSON object of strings; `k1=v1,k2=v2` is accepted as a fallback, as Nacos does. */
export function parseMetadata(raw: string | undefined): Record<string, string> {
  if (raw === undefined || raw.trim() === '') return {};
  const text = raw.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new InvalidParameterError(`metadata format incorrect:${raw}`);
    }
    return toStringMap(parsed, raw);
  }
  const result: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidParameterError(`metadata format incorrect:${raw}`);
    result[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return result;
}

/** Values that are numbers or booleans are kept as their text; nested objects are refused. */
export function toStringMap(value: unknown, raw?: string): Record<string, string> {
  const incorrect = () => new InvalidParameterError(`metadata format incorrect:${raw ?? describeJson(value)}`);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw incorrect();
  const result: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') result[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') result[key] = String(v);
    else if (v === null) continue;
    else throw incorrect();
  }
  return result;
}

/** The value as JSON for a message; a value nested too deep to serialize (150,000 levels) is still a 400. */
function describeJson(value: unknown): string {
  try {
    return String(JSON.stringify(value));
  } catch {
    return '(nested too deeply)';
  }
}

/** Per-instance timings, resolved once when metadata changes, never on the beat path. */
export interface BeatTimings {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly deleteTimeoutMs: number;
  /** The interval when the metadata sets it; otherwise the server's switch value applies. */
  readonly intervalFromMetadata: number | undefined;
}

export const DEFAULT_TIMINGS: BeatTimings = Object.freeze({
  intervalMs: DEFAULT_BEAT_INTERVAL_MS,
  timeoutMs: DEFAULT_BEAT_TIMEOUT_MS,
  deleteTimeoutMs: DEFAULT_DELETE_TIMEOUT_MS,
  intervalFromMetadata: undefined,
});

const DIGITS = /^\d+$/;

/** Nacos ignores preserved values that are not plain digits. */
export function preservedMillis(metadata: Metadata, key: string): number | undefined {
  const value = metadata[key];
  if (value === undefined || !DIGITS.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function resolveTimings(metadata: Metadata): BeatTimings {
  const interval = preservedMillis(metadata, PreservedKeys.beatInterval);
  const timeout = preservedMillis(metadata, PreservedKeys.beatTimeout);
  const deleteTimeout = preservedMillis(metadata, PreservedKeys.deleteTimeout);
  if (interval === undefined && timeout === undefined && deleteTimeout === undefined) return DEFAULT_TIMINGS;
  // A beat reply holds the interval to at least 1 s (beat-interval.ts): a client that asked for 100 ms
  // beats every second, so timeouts it sized for 100 ms beats would mark it unhealthy between every
  // two beats. Then they are at least 3 and 6 beats long, Nacos's default ratio (15 s and 30 s to 5 s).
  const raisedTo = interval !== undefined && interval < TIMING_OVERRIDE_MIN_MS ? TIMING_OVERRIDE_MIN_MS : 0;
  return {
    intervalMs: interval ?? DEFAULT_BEAT_INTERVAL_MS,
    timeoutMs: Math.max(timeout ?? DEFAULT_BEAT_TIMEOUT_MS, 3 * raisedTo),
    deleteTimeoutMs: Math.max(deleteTimeout ?? DEFAULT_DELETE_TIMEOUT_MS, 6 * raisedTo),
    intervalFromMetadata: interval,
  };
}

/** The keys that set an instance's beat timings. */
export const TIMING_KEYS: readonly string[] = [
  PreservedKeys.beatInterval,
  PreservedKeys.beatTimeout,
  PreservedKeys.deleteTimeout,
];

/**
 * Bounds of a timing an operator sets: a beat at most once a second (someone typing "2" for two
 * seconds would make clients beat 500 times a second) and at least once an hour.
 */
export const TIMING_OVERRIDE_MIN_MS = 1000;
export const TIMING_OVERRIDE_MAX_MS = 3_600_000;

/**
 * Checks an operator's timing edit: whole milliseconds, interval below the unhealthy timeout,
 * unhealthy timeout below the delete timeout. Clients may register anything (Nacos accepts it);
 * operators get told before they break an instance.
 */
export function validateTimingEdit(metadata: Metadata): void {
  for (const key of TIMING_KEYS) {
    const value = metadata[key];
    if (value === undefined) continue;
    if (!DIGITS.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
      throw new InvalidParameterError(`${key} must be a whole number of milliseconds, got: ${value}`);
    }
  }
  checkTimingOrder(metadata);
}

/**
 * The bounds of timing overrides, on every face that edits: each timing key whose override an edit
 * sets or changes must be whole milliseconds from 1 s to 1 h. Keys the edit leaves alone are not
 * judged again, nor are the client's own values (clients may register anything, as with Nacos).
 */
export function checkTimingOverrides(next: Metadata, previous: Metadata): void {
  for (const key of TIMING_KEYS) {
    const value = next[key];
    if (value === undefined || value === previous[key]) continue;
    const n = DIGITS.test(value) ? Number(value) : NaN;
    if (!(n >= TIMING_OVERRIDE_MIN_MS && n <= TIMING_OVERRIDE_MAX_MS)) {
      throw new InvalidParameterError(
        `${key} must be a whole number of milliseconds from ${TIMING_OVERRIDE_MIN_MS} to ${TIMING_OVERRIDE_MAX_MS} ` +
          `(1 second to 1 hour), got: ${value}`,
      );
    }
  }
}

/** Interval below the unhealthy timeout, unhealthy timeout below the delete timeout. */
export function checkTimingOrder(metadata: Metadata): void {
  const t = resolveTimings(metadata);
  if (t.intervalMs >= t.timeoutMs) {
    throw new InvalidParameterError(
      `${PreservedKeys.beatInterval} (${t.intervalMs}) must be less than ${PreservedKeys.beatTimeout} (${t.timeoutMs})`,
    );
  }
  if (t.timeoutMs >= t.deleteTimeoutMs) {
    throw new InvalidParameterError(
      `${PreservedKeys.beatTimeout} (${t.timeoutMs}) must be less than ${PreservedKeys.deleteTimeout} (${t.deleteTimeoutMs})`,
    );
  }
}

/** An operator's edit of some keys: a string sets the key, `null` removes it. */
export type MetadataChanges = Readonly<Record<string, string | null>>;

/**
 * The one rule for "null means remove": applies `changes` to `base`. A removed key falls back to
 * its value in `fallback` (the client's own metadata, when an override is removed), else goes.
 */
export function mergeMetadataChanges(
  base: Metadata,
  changes: MetadataChanges,
  fallback: Metadata = EMPTY_METADATA,
): Record<string, string> {
  const next: Record<string, string> = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    const fallbackValue = fallback[key];
    if (value !== null) next[key] = value;
    else if (fallbackValue !== undefined) next[key] = fallbackValue;
    else delete next[key];
  }
  return next;
}

export function sameMetadata(a: Metadata, b: Metadata): boolean {
  const ak = Object.keys(a);
  if (ak.length !== Object.keys(b).length) return false;
  for (const k of ak) if (a[k] !== b[k]) return false;
  return true;
}

export function freezeMetadata(m: Record<string, string>): Metadata {
  return Object.keys(m).length === 0 ? EMPTY_METADATA : Object.freeze(m);
}
