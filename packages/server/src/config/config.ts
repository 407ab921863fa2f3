import { resolve } from 'node:path';

export interface BeaconConfig {
  readonly port: number;
  readonly host: string;
  /** Where SQLite keeps durable state; `:memory:` keeps nothing. */
  readonly dataDir: string;
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** How often beat deadlines are processed. */
  readonly expiryTickMs: number;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimitBytes: number;
  readonly maxServicesPerNamespace: number;
  readonly maxInstancesPerNamespace: number;
  readonly maxMetadataBytes: number;
  /** Changes within this window go out together: one UDP push per service, one write per watch stream. */
  readonly pushCoalesceMs: number;
  /** An unacknowledged UDP push is resent once after this, then given up after as long again. */
  readonly pushAckTimeoutMs: number;
  /** A UDP push target that has not polled `/instance/list` for this long receives nothing more. */
  readonly pushTargetTtlMs: number;
  /** Idle watch streams get a `: keep-alive` comment at least this often. */
  readonly watchKeepAliveMs: number;
  /** A watch stream whose unsent bytes pass this is cut off (it resumes or gets a snapshot). */
  readonly watchBacklogBytes: number;
  /** Bytes of recent changes kept per namespace to replay to streams resuming with Last-Event-ID. */
  readonly watchHistoryBytes: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

/** Reads the whole configuration once, at start; any invalid variable stops the start. */
export function loadConfig(env: Env = process.env): BeaconConfig {
  const dataDir = env['BEACON_DATA_DIR']?.trim() || './data';
  const logLevel = (env['BEACON_LOG_LEVEL']?.trim() || 'log') as BeaconConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('BEACON_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  }
  const host = env['HOST']?.trim() || '0.0.0.0';
  return {
    port: intVar(env, 'PORT', 8848, 0, 65535),
    host,
    dataDir: dataDir === ':memory:' ? dataDir : resolve(dataDir),
    logLevel,
    expiryTickMs: intVar(env, 'BEACON_EXPIRY_TICK_MS', 500, 1, 60_000),
    bodyLimitBytes: intVar(env, 'BEACON_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    maxServicesPerNamespace: intVar(env, 'BEACON_MAX_SERVICES_PER_NAMESPACE', 50_000, 1, 10_000_000),
    maxInstancesPerNamespace: intVar(env, 'BEACON_MAX_INSTANCES_PER_NAMESPACE', 500_000, 1, 100_000_000),
    maxMetadataBytes: intVar(env, 'BEACON_MAX_METADATA_BYTES', 16 * 1024, 64, 16 * 1024 * 1024),
    pushCoalesceMs: intVar(env, 'BEACON_PUSH_COALESCE_MS', 20, 0, 10_000),
    pushAckTimeoutMs: intVar(env, 'BEACON_PUSH_ACK_TIMEOUT_MS', 10_000, 10, 600_000),
    pushTargetTtlMs: intVar(env, 'BEACON_PUSH_TARGET_TTL_MS', 10_000, 10, 3_600_000),
    watchKeepAliveMs: intVar(env, 'BEACON_WATCH_KEEPALIVE_MS', 15_000, 10, 3_600_000),
    watchBacklogBytes: intVar(env, 'BEACON_WATCH_BACKLOG_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    watchHistoryBytes: intVar(env, 'BEACON_WATCH_HISTORY_BYTES', 8 * 1024 * 1024, 0, 1024 * 1024 * 1024),
  };
}
