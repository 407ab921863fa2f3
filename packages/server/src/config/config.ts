import { resolve } from 'node:path';
import { DEFAULT_LIMITS, type NameLengths } from '@beacon/core';
import { AddressList } from '../net/address-list.js';
import { clusterConfigVar, type ClusterConfig } from './cluster-config.js';

export interface BeaconConfig {
  readonly port: number;
  readonly host: string;
  /** Where SQLite keeps durable state; `:memory:` keeps nothing. */
  readonly dataDir: string;
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** How often beat deadlines are processed. */
  readonly expiryTickMs: number;
  /** A service that lost every instance stays on top of the console's list, as an outage, this long. */
  readonly outageVisibleMs: number;
  /** The audit trail keeps operator writes this many days (BEACON_AUDIT_RETENTION_DAYS)... */
  readonly auditRetentionDays: number;
  /** ...and at most this many of them, the newest (BEACON_AUDIT_MAX_ENTRIES). */
  readonly auditMaxEntries: number;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimitBytes: number;
  readonly maxServicesPerNamespace: number;
  readonly maxInstancesPerNamespace: number;
  readonly maxMetadataBytes: number;
  /** BEACON_BEAT_FAST_PATH: beats answered before Fastify (nacos/beat-fast-path.ts); `off` routes them like every request. */
  readonly beatFastPath: boolean;
  /** BEACON_AUTH: on unless explicitly `off` (local development only). */
  readonly authEnabled: boolean;
  /** Password of the admin `nacos`, used only when the admin is first created. */
  readonly adminPassword: string | undefined;
  /** HS256 key of the access tokens; when unset, one is generated and kept in the data directory. */
  readonly tokenSecret: string | undefined;
  readonly tokenTtlSeconds: number;
  /** Login attempts (and username + password checks) each client IP may make per minute. */
  readonly loginAttemptsPerMinute: number;
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
  /** Set when BEACON_REDIS_URL and BEACON_DATABASE_URL are: cluster mode (see docs/adr/0011). */
  readonly cluster: ClusterConfig | undefined;
  /** BEACON_GRPC_PORT: the Nacos 2.x gRPC face; `PORT + 1000` unless set, `0` a free port, `off` none. */
  readonly grpcPort: number | 'off';
  /** Open TCP connections one source address may hold on the gRPC port; more are closed at accept. */
  readonly grpcMaxConnectionsPerIp: number;
  /** Open TCP connections the gRPC port holds in total; more are closed at accept. */
  readonly grpcMaxConnections: number;
  /** A gRPC connection that has not finished its connection setup after this long is closed. */
  readonly grpcSetupTimeoutMs: number;
  /** HTTP/2 streams (concurrent calls) one gRPC connection may have open. */
  readonly grpcMaxConcurrentStreams: number;
  /** Services one gRPC connection may subscribe to. */
  readonly grpcMaxSubscriptionsPerConnection: number;
  /** A gRPC connection silent this long is asked whether it is still there (client detection). */
  readonly grpcIdleMs: number;
  /** How long a client has to answer that question before its connection is closed. */
  readonly grpcDetectTimeoutMs: number;
  /** Proxies whose requests may name another push address (`clientIP`); empty: none. */
  readonly trustedProxies: AddressList;
  /** Distinct UDP push targets (service x address) one source address may hold. */
  readonly pushTargetsPerSource: number;
  /** UDP push bytes per second one target address may receive; the rest waits for its next poll. */
  readonly pushBytesPerSecond: number;
  /** Active health checks only go to addresses in this list, when it is not empty. */
  readonly healthCheckAllow: AddressList;
  /** Active health checks never go to addresses in this list. */
  readonly healthCheckDeny: AddressList;
  /** A request whose head has not fully arrived after this long gets 408 and its connection closed. */
  readonly headersTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  readonly maxWatchStreams: number;
  /** Per user with auth on; per client IP with auth off (everyone is the same anonymous user then). */
  readonly maxWatchStreamsPerUser: number;
  readonly nameLengths: NameLengths;
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

export function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/** Shortest token secret accepted: HS256 keys shorter than its 32-byte output are guessable. */
export const MIN_TOKEN_SECRET_BYTES = 32;
export const MIN_PASSWORD_LENGTH = 8;
/** The secret Nacos shipped until 2.2.0.1: anyone could forge admin tokens with it. */
const NACOS_DEFAULT_SECRET = 'SecretKey012345678901234567890123456789012345678901234567890123456789';

/** A switch that is on unless set to `off`. */
function onOffVar(env: Env, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase() || 'on';
  if (raw !== 'on' && raw !== 'off') throw new ConfigError(name, `must be 'on' or 'off', got '${raw}'`);
  return raw === 'on';
}

function tokenSecretVar(env: Env): string | undefined {
  // Not trimmed: the secret is used byte for byte.
  const raw = env['BEACON_TOKEN_SECRET'];
  if (raw === undefined || raw === '') return undefined;
  if (Buffer.byteLength(raw, 'utf8') < MIN_TOKEN_SECRET_BYTES) {
    throw new ConfigError('BEACON_TOKEN_SECRET', `must be at least ${MIN_TOKEN_SECRET_BYTES} bytes long`);
  }
  if (raw === NACOS_DEFAULT_SECRET) {
    throw new ConfigError('BEACON_TOKEN_SECRET', 'is the publicly known Nacos default secret; choose your own');
  }
  return raw;
}

function adminPasswordVar(env: Env): string | undefined {
  const raw = env['BEACON_ADMIN_PASSWORD'];
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < MIN_PASSWORD_LENGTH) {
    throw new ConfigError('BEACON_ADMIN_PASSWORD', `must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  }
  if (raw.trim() !== raw) throw new ConfigError('BEACON_ADMIN_PASSWORD', 'must not start or end with spaces');
  return raw;
}

/** Nacos 2.x clients derive the gRPC port from the HTTP port, so the default follows PORT. */
function grpcPortVar(env: Env, httpPort: number): number | 'off' {
  const raw = env['BEACON_GRPC_PORT']?.trim().toLowerCase();
  if (raw === 'off') return 'off';
  if (raw === undefined || raw === '') {
    if (httpPort === 0) return 0;
    if (httpPort + 1000 > 65535) {
      throw new ConfigError('BEACON_GRPC_PORT', `must be set (or 'off') when PORT + 1000 exceeds 65535`);
    }
    return httpPort + 1000;
  }
  return intVar(env, 'BEACON_GRPC_PORT', 0, 0, 65535);
}

function addressListVar(env: Env, name: string, fallback: string): AddressList {
  const raw = env[name];
  try {
    return AddressList.parse(raw === undefined ? fallback : raw);
  } catch (error) {
    throw new ConfigError(
      name,
      `must be a comma-separated list of IP addresses or CIDR ranges, got '${raw}': ${(error as Error).message}`,
    );
  }
}

/** Link-local (cloud metadata at 169.254.169.254), "this network", multicast and broadcast. */
export const DEFAULT_HEALTH_CHECK_DENY = '169.254.0.0/16,0.0.0.0/8,224.0.0.0/4,255.255.255.255/32,fe80::/10,ff00::/8';

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

/** Reads the whole configuration once, at start; any invalid variable stops the start. */
export function loadConfig(env: Env = process.env): BeaconConfig {
  const dataDir = env['BEACON_DATA_DIR']?.trim() || './data';
  const logLevel = (env['BEACON_LOG_LEVEL']?.trim() || 'log') as BeaconConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('BEACON_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  }
  const host = env['HOST']?.trim() || '0.0.0.0';
  const port = intVar(env, 'PORT', 8848, 0, 65535);
  const cluster = clusterConfigVar(env);
  return {
    port,
    host,
    dataDir: dataDir === ':memory:' ? dataDir : resolve(dataDir),
    logLevel,
    expiryTickMs: intVar(env, 'BEACON_EXPIRY_TICK_MS', 500, 1, 60_000),
    outageVisibleMs: intVar(env, 'BEACON_OUTAGE_VISIBLE_MS', 3_600_000, 0, 30 * 24 * 3_600_000),
    auditRetentionDays: intVar(env, 'BEACON_AUDIT_RETENTION_DAYS', 90, 1, 36_500),
    auditMaxEntries: intVar(env, 'BEACON_AUDIT_MAX_ENTRIES', 1_000_000, 1, 1_000_000_000),
    bodyLimitBytes: intVar(env, 'BEACON_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    maxServicesPerNamespace: intVar(
      env,
      'BEACON_MAX_SERVICES_PER_NAMESPACE',
      DEFAULT_LIMITS.maxServicesPerNamespace,
      1,
      10_000_000,
    ),
    maxInstancesPerNamespace: intVar(
      env,
      'BEACON_MAX_INSTANCES_PER_NAMESPACE',
      DEFAULT_LIMITS.maxInstancesPerNamespace,
      1,
      100_000_000,
    ),
    maxMetadataBytes: intVar(env, 'BEACON_MAX_METADATA_BYTES', DEFAULT_LIMITS.maxMetadataBytes, 64, 16 * 1024 * 1024),
    beatFastPath: onOffVar(env, 'BEACON_BEAT_FAST_PATH'),
    authEnabled: onOffVar(env, 'BEACON_AUTH'),
    adminPassword: adminPasswordVar(env),
    tokenSecret: tokenSecretVar(env),
    tokenTtlSeconds: intVar(env, 'BEACON_TOKEN_TTL_SECONDS', 18_000, 60, 30 * 24 * 3600),
    loginAttemptsPerMinute: intVar(env, 'BEACON_LOGIN_ATTEMPTS_PER_MINUTE', 10, 1, 100_000),
    pushCoalesceMs: intVar(env, 'BEACON_PUSH_COALESCE_MS', 20, 0, 10_000),
    pushAckTimeoutMs: intVar(env, 'BEACON_PUSH_ACK_TIMEOUT_MS', 10_000, 10, 600_000),
    pushTargetTtlMs: intVar(env, 'BEACON_PUSH_TARGET_TTL_MS', 10_000, 10, 3_600_000),
    watchKeepAliveMs: intVar(env, 'BEACON_WATCH_KEEPALIVE_MS', 15_000, 10, 3_600_000),
    watchBacklogBytes: intVar(env, 'BEACON_WATCH_BACKLOG_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    watchHistoryBytes: intVar(env, 'BEACON_WATCH_HISTORY_BYTES', 8 * 1024 * 1024, 0, 1024 * 1024 * 1024),
    cluster,
    grpcPort: grpcPortVar(env, port),
    grpcMaxConnectionsPerIp: intVar(env, 'BEACON_GRPC_MAX_CONNECTIONS_PER_IP', 1000, 1, 1_000_000),
    grpcMaxConnections: intVar(env, 'BEACON_GRPC_MAX_CONNECTIONS', 5000, 1, 10_000_000),
    grpcSetupTimeoutMs: intVar(env, 'BEACON_GRPC_SETUP_TIMEOUT_MS', 5000, 100, 600_000),
    grpcMaxConcurrentStreams: intVar(env, 'BEACON_GRPC_MAX_CONCURRENT_STREAMS', 128, 1, 100_000),
    grpcMaxSubscriptionsPerConnection: intVar(env, 'BEACON_GRPC_MAX_SUBSCRIPTIONS', 5000, 1, 10_000_000),
    grpcIdleMs: intVar(env, 'BEACON_GRPC_IDLE_MS', 20_000, 100, 3_600_000),
    grpcDetectTimeoutMs: intVar(env, 'BEACON_GRPC_DETECT_TIMEOUT_MS', 3000, 10, 600_000),
    trustedProxies: addressListVar(env, 'BEACON_TRUSTED_PROXIES', ''),
    pushTargetsPerSource: intVar(env, 'BEACON_PUSH_TARGETS_PER_SOURCE', 1000, 1, 10_000_000),
    pushBytesPerSecond: intVar(env, 'BEACON_PUSH_BYTES_PER_SECOND', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    healthCheckAllow: addressListVar(env, 'BEACON_HEALTH_CHECK_ALLOW', ''),
    healthCheckDeny: addressListVar(env, 'BEACON_HEALTH_CHECK_DENY', DEFAULT_HEALTH_CHECK_DENY),
    headersTimeoutMs: intVar(env, 'BEACON_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    maxConnections: intVar(env, 'BEACON_MAX_CONNECTIONS', 10_000, 1, 10_000_000),
    maxConnectionsPerIp: intVar(env, 'BEACON_MAX_CONNECTIONS_PER_IP', 1000, 1, 10_000_000),
    maxWatchStreams: intVar(env, 'BEACON_MAX_WATCH_STREAMS', 5000, 1, 10_000_000),
    maxWatchStreamsPerUser: intVar(env, 'BEACON_MAX_WATCH_STREAMS_PER_USER', 50, 1, 10_000_000),
    nameLengths: {
      serviceName: intVar(
        env,
        'BEACON_MAX_SERVICE_NAME_LENGTH',
        DEFAULT_LIMITS.nameLengths.serviceName,
        1,
        1024 * 1024,
      ),
      groupName: intVar(env, 'BEACON_MAX_GROUP_NAME_LENGTH', DEFAULT_LIMITS.nameLengths.groupName, 1, 1024 * 1024),
      clusterName: intVar(
        env,
        'BEACON_MAX_CLUSTER_NAME_LENGTH',
        DEFAULT_LIMITS.nameLengths.clusterName,
        1,
        1024 * 1024,
      ),
      namespaceId: intVar(
        env,
        'BEACON_MAX_NAMESPACE_ID_LENGTH',
        DEFAULT_LIMITS.nameLengths.namespaceId,
        1,
        1024 * 1024,
      ),
      ip: intVar(env, 'BEACON_MAX_IP_LENGTH', DEFAULT_LIMITS.nameLengths.ip, 45, 1024 * 1024),
      app: intVar(env, 'BEACON_MAX_APP_LENGTH', DEFAULT_LIMITS.nameLengths.app, 1, 1024 * 1024),
    },
  };
}
