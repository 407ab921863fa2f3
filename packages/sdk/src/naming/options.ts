import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { OptionsError } from './errors.js';

export interface NamingClientOptions {
  /**
   * One or more servers: `host:port`, `http://host:port` or `https://host:port` (an array, or one
   * comma-separated string). Requests fail over to the next server when one is unreachable.
   */
  serverAddresses: string | readonly string[];
  /** Namespace id; `public` by default. */
  namespace?: string;
  /** Credentials for servers with auth on; the client logs in and refreshes its token before expiry. */
  username?: string;
  password?: string;
  /** Where the Nacos API lives on each server; `/nacos` by default. */
  contextPath?: string;
  /** Per-request timeout, ms (default 5000). */
  requestTimeoutMs?: number;
  /**
   * Polling period for subscribed services when no watch stream is available, ms. Default: the
   * `cacheMillis` each server answer carries (10 s when UDP push is on, 3 s otherwise).
   */
  cacheMillis?: number;
  /** Follow Beacon's watch stream when the server has one (default true). */
  watch?: boolean;
  /**
   * Receive Nacos 1.x UDP pushes while polling (default true). `{ port }` fixes the UDP port
   * (default: a random free one).
   */
  udpPush?: boolean | { port?: number };
  /** Address servers push UDP to. Default: 127.0.0.1 for loopback servers, else the first non-internal IPv4. */
  clientIP?: string;
  /**
   * Nacos's push-empty protection (default true): an empty list arriving for a service that had
   * instances is not applied, the last non-empty one is kept. Set false to receive empty lists.
   */
  pushEmptyProtection?: boolean;
  /** Directory where the last known list of each service is written on change, and read back when no server answers. */
  snapshotDir?: string;
  /** Send light beats when the server allows them (default true). */
  lightBeats?: boolean;
  /** Longest wait between retries of a failing discovery refresh, ms (default 10000). */
  maxRetryDelayMs?: number;
  /** Sent as `app` on registration. */
  appName?: string;
  /** For tests: time and timers. */
  clock?: Clock;
  /** For tests: the fetch implementation. */
  fetch?: typeof fetch;
  /** For tests: the random source of failover order, jitter and load balancing. */
  random?: () => number;
}

export interface ServerAddress {
  /** Origin, e.g. `http://127.0.0.1:8848`. */
  readonly origin: string;
  readonly host: string;
}

export interface ResolvedOptions {
  readonly servers: readonly ServerAddress[];
  readonly namespace: string;
  readonly credentials: { readonly username: string; readonly password: string } | undefined;
  readonly contextPath: string;
  readonly requestTimeoutMs: number;
  readonly cacheMillis: number | undefined;
  readonly watch: boolean;
  readonly udpPush: false | { readonly port: number };
  readonly clientIP: string | undefined;
  readonly pushEmptyProtection: boolean;
  readonly snapshotDir: string | undefined;
  readonly lightBeats: boolean;
  readonly maxRetryDelayMs: number;
  readonly appName: string | undefined;
  readonly clock: Clock;
  readonly fetch: typeof fetch;
  readonly random: () => number;
}

const KNOWN: readonly (keyof NamingClientOptions)[] = [
  'serverAddresses',
  'namespace',
  'username',
  'password',
  'contextPath',
  'requestTimeoutMs',
  'cacheMillis',
  'watch',
  'udpPush',
  'clientIP',
  'pushEmptyProtection',
  'snapshotDir',
  'lightBeats',
  'maxRetryDelayMs',
  'appName',
  'clock',
  'fetch',
  'random',
];

/** Validates everything up front, so a typo fails at `new NamingClient(...)` with a message naming the option. */
export function resolveOptions(options: NamingClientOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new OptionsError("NamingClient options must be an object, e.g. { serverAddresses: ['127.0.0.1:8848'] }");
  }
  for (const key of Object.keys(options)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      const hint = KNOWN.find((k) => k.toLowerCase().startsWith(key.toLowerCase().slice(0, 5)));
      throw new OptionsError(`unknown option '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
  }
  const o = options as Partial<NamingClientOptions>;
  const username = optionalString(o, 'username');
  const password = optionalString(o, 'password');
  if ((username === undefined) !== (password === undefined)) {
    throw new OptionsError('username and password must be given together');
  }
  const contextPath = optionalString(o, 'contextPath') ?? '/nacos';
  if (!/^(\/[\w.~-]+)*$/.test(contextPath.replace(/\/$/, ''))) {
    throw new OptionsError(`contextPath must look like '/nacos', got '${contextPath}'`);
  }
  const udp = o.udpPush;
  let udpPush: ResolvedOptions['udpPush'];
  if (udp === undefined || udp === true) udpPush = { port: 0 };
  else if (udp === false) udpPush = false;
  else if (typeof udp === 'object' && udp !== null) {
    udpPush = { port: integer({ port: udp.port }, 'port', 0, 0, 65535, 'udpPush.port') };
  } else throw new OptionsError(`udpPush must be a boolean or { port }, got ${JSON.stringify(udp)}`);

  const clientIP = optionalString(o, 'clientIP');
  const random = o.random ?? Math.random;
  if (typeof random !== 'function') throw new OptionsError('random must be a function returning [0, 1)');
  const fetchImpl = o.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new OptionsError('fetch is not available: use Node 20+ or pass options.fetch');
  }
  const clock = o.clock ?? systemClock;
  if (typeof clock.setTimeout !== 'function' || typeof clock.now !== 'function') {
    throw new OptionsError('clock must have now(), setTimeout() and clearTimeout()');
  }
  return {
    servers: parseServers(o.serverAddresses),
    namespace: optionalString(o, 'namespace') || 'public',
    credentials: username !== undefined && password !== undefined ? { username, password } : undefined,
    contextPath: contextPath.replace(/\/$/, ''),
    requestTimeoutMs: integer(o, 'requestTimeoutMs', 5000, 1, 600_000),
    cacheMillis: o.cacheMillis === undefined ? undefined : integer(o, 'cacheMillis', 0, 100, 3_600_000),
    watch: boolean(o, 'watch', true),
    udpPush,
    clientIP,
    pushEmptyProtection: boolean(o, 'pushEmptyProtection', true),
    snapshotDir: optionalString(o, 'snapshotDir'),
    lightBeats: boolean(o, 'lightBeats', true),
    maxRetryDelayMs: integer(o, 'maxRetryDelayMs', 10_000, 100, 3_600_000),
    appName: optionalString(o, 'appName'),
    clock,
    fetch: fetchImpl,
    random,
  };
}

export function parseServers(raw: string | readonly string[] | undefined): ServerAddress[] {
  if (raw === undefined || raw === null) {
    throw new OptionsError("serverAddresses is required, e.g. ['127.0.0.1:8848']");
  }
  const list = typeof raw === 'string' ? raw.split(',') : raw;
  if (!Array.isArray(list)) throw new OptionsError('serverAddresses must be a string or an array of strings');
  const servers: ServerAddress[] = [];
  list.forEach((entry: unknown, index: number) => {
    if (typeof entry !== 'string') {
      throw new OptionsError(`serverAddresses[${index}] must be a string, got ${JSON.stringify(entry)}`);
    }
    const text = entry.trim();
    if (text === '') return;
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      throw new OptionsError(`serverAddresses[${index}] '${text}' is not host:port or an http(s) URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OptionsError(`serverAddresses[${index}] '${text}' must use http or https`);
    }
    if (url.pathname !== '/' || url.search || url.hash) {
      throw new OptionsError(
        `serverAddresses[${index}] '${text}' must be an origin only (set contextPath for a path other than /nacos)`,
      );
    }
    // A bare host means Nacos's default port, as the Java client assumes.
    if (!/:\d+$/.test(url.host) && !/^[a-z]+:\/\//i.test(text)) url.port = '8848';
    if (!servers.some((s) => s.origin === url.origin)) servers.push({ origin: url.origin, host: url.hostname });
  });
  if (servers.length === 0)
    throw new OptionsError("serverAddresses must list at least one server, e.g. ['127.0.0.1:8848']");
  return servers;
}

function optionalString<K extends keyof NamingClientOptions>(
  o: Partial<NamingClientOptions>,
  key: K,
): string | undefined {
  const value = o[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new OptionsError(`${key} must be a string, got ${JSON.stringify(value)}`);
  return value.trim() === '' ? undefined : value.trim();
}

function boolean(o: Partial<NamingClientOptions>, key: keyof NamingClientOptions, fallback: boolean): boolean {
  const value = o[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new OptionsError(`${key} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function integer(
  o: Record<string, unknown>,
  key: string,
  fallback: number,
  min: number,
  max: number,
  label = key,
): number {
  const value = o[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new OptionsError(`${label} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}
