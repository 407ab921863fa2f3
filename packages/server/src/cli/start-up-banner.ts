import type { BeaconConfig } from '../config/config.js';
import { REDIS_URL_VAR } from '../config/cluster-config.js';
import { describeSentinels, isSentinelUrl, parseSentinelUrl } from '../config/redis-sentinel-url.js';

/** What the banner reports, gathered once the server listens. */
export interface StartUpFacts {
  readonly version: string;
  readonly config: Pick<BeaconConfig, 'host' | 'dataDir' | 'authEnabled' | 'cluster'>;
  readonly httpPort: number;
  /** The bound gRPC port; undefined when BEACON_GRPC_PORT=off. */
  readonly grpcPort: number | undefined;
  readonly consoleBuilt: boolean;
  /** `<data dir>/initial-admin-password` when it holds a generated password, else undefined. */
  readonly passwordFile: string | undefined;
}

/** The address to type: a wildcard bind is reached at localhost; IPv6 literals go in brackets. */
function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** Host and port of a URL without its credentials (a database URL holds a password). */
function endpoint(url: string): string {
  if (isSentinelUrl(url)) return describeSentinels(parseSentinelUrl(REDIS_URL_VAR, url));
  try {
    return new URL(url).host;
  } catch {
    return '(unparsable)';
  }
}

/** The few lines an operator needs after `beacon` starts: where to go, where the data is, how to sign in. */
export function startUpBanner(facts: StartUpFacts): string {
  const { config } = facts;
  const host = reachableHost(config.host);
  const http = `http://${host}:${facts.httpPort}`;
  const listening = host === config.host ? '' : ` (listening on ${config.host})`;
  const auth = !config.authEnabled
    ? 'OFF (BEACON_AUTH=off): anyone who reaches the port can read and change everything'
    : facts.passwordFile
      ? `on: sign in as 'nacos' with the generated password in ${facts.passwordFile}`
      : "on: sign in as 'nacos' (password from BEACON_ADMIN_PASSWORD, or as changed since)";
  const data = config.cluster
    ? `cluster: Redis ${endpoint(config.cluster.redisUrl)}, PostgreSQL ${endpoint(config.cluster.databaseUrl)}`
    : config.dataDir === ':memory:'
      ? 'in memory only (BEACON_DATA_DIR=:memory:): nothing survives a restart'
      : config.dataDir;
  const rows: [string, string][] = [
    ['HTTP', `${http}${listening}  (Nacos 1.x: /nacos/v1, native API: /api/v1)`],
    [
      'gRPC',
      facts.grpcPort === undefined ? 'off (BEACON_GRPC_PORT=off)' : `${host}:${facts.grpcPort}  (Nacos 2.x clients)`,
    ],
    ['console', facts.consoleBuilt ? `${http}/` : 'not built: the API works; `pnpm build` builds it'],
    ['data', data],
    ['auth', auth],
  ];
  return [
    `Beacon ${facts.version} is serving`,
    ...rows.map(([name, value]) => `  ${name.padEnd(8)} ${value}`),
    '  Stop with Ctrl-C (SIGTERM/SIGINT): in-flight requests finish first. `beacon --help` for more.',
  ].join('\n');
}
