import { ConfigError } from './config.js';

/** BEACON_REDIS_URL's form for Redis behind Sentinel (checked at start, used by cluster-engines.ts). */
export const SENTINEL_SCHEME = 'redis+sentinel:';
const FORM = 'redis+sentinel://[[user]:password@]host:port[,host:port…]/<master name>[/<db>]';

/** Where the sentinels are and which master they watch; the credentials are the Redis servers'. */
export interface SentinelTarget {
  readonly sentinels: readonly { readonly host: string; readonly port: number }[];
  readonly name: string;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
}

export function isSentinelUrl(raw: string): boolean {
  return raw.toLowerCase().startsWith(`${SENTINEL_SCHEME}//`);
}

/**
 * Reads `redis+sentinel://[[user]:password@]host:port[,host:port…]/<master name>[/<db>]`, the
 * scheme ioredis's own URL parser lacks (WHATWG URLs take one host). Any mistake is a ConfigError
 * naming `variable`, so a node never starts against sentinels it cannot use.
 */
export function parseSentinelUrl(variable: string, raw: string): SentinelTarget {
  const fail = (why: string): never => {
    throw new ConfigError(variable, `${why}: expected ${FORM}, got '${raw.replace(/:[^:@/]*@/, ':***@')}'`);
  };
  const rest = raw.slice(`${SENTINEL_SCHEME}//`.length);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? [] : rest.slice(slash + 1).split('/');
  const at = authority.lastIndexOf('@');
  const credentials = at < 0 ? undefined : authority.slice(0, at);
  const sentinels = (at < 0 ? authority : authority.slice(at + 1)).split(',').map((hostPort) => {
    const match = /^([^:[\]]+|\[[0-9a-fA-F:.]+\]):(\d{1,5})$/.exec(hostPort);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) return fail(`'${hostPort}' is not a sentinel host:port`);
    return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
  });
  const name = decodeURIComponent(path[0] ?? '');
  if (name === '') fail('the master name is missing');
  const db = path[1] === undefined || path[1] === '' ? 0 : Number(path[1]);
  if (!Number.isInteger(db) || db < 0 || path.length > 2) fail(`'${path.slice(1).join('/')}' is not a database number`);
  const target: SentinelTarget = { sentinels, name, db };
  if (credentials === undefined) return target;
  const colon = credentials.indexOf(':');
  const username = decodeURIComponent(colon < 0 ? credentials : credentials.slice(0, colon));
  const password = colon < 0 ? undefined : decodeURIComponent(credentials.slice(colon + 1));
  return {
    ...target,
    ...(username !== '' ? { username } : {}),
    ...(password !== undefined && password !== '' ? { password } : {}),
  };
}

/** For the start-up banner and messages: the sentinels and master, never a password. */
export function describeSentinels(target: SentinelTarget): string {
  return `${target.name} via sentinels ${target.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
}
