import { pickByWeight, type Instance } from '@beacon/sdk';

/** No healthy, enabled instance of the service to call. */
export class NoInstanceAvailableError extends Error {
  constructor(readonly serviceName: string) {
    super(`no healthy instance of '${serviceName}' to call`);
    this.name = 'NoInstanceAvailableError';
  }
}

export interface FailoverDeps {
  readonly fetch: typeof fetch;
  readonly random: () => number;
}

/** The connection was never made: nothing reached the instance, so any request may go elsewhere. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** The connection broke: the instance may have seen the request, so only an idempotent one is sent again. */
const BROKEN = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/**
 * Calls `path` on one of `candidates` (weighted random) and, when the connection to it fails,
 * once more on another one. An HTTP answer, whatever its status, is returned as it is: only the
 * caller knows whether a 503 is worth repeating.
 */
export async function fetchWithFailover(
  serviceName: string,
  candidates: readonly Instance[],
  path: string,
  init: RequestInit = {},
  deps: FailoverDeps,
): Promise<Response> {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError(`path must start with '/', got ${JSON.stringify(path)}`);
  }
  const first = pickByWeight(candidates, deps.random);
  if (!first) throw new NoInstanceAvailableError(serviceName);
  try {
    return await deps.fetch(urlOf(first, path), init);
  } catch (error) {
    const second = pickByWeight(
      candidates.filter((c) => c !== first),
      deps.random,
    );
    if (!second || !worthRetrying(error, init)) throw error;
    return deps.fetch(urlOf(second, path), init);
  }
}

/** `http://ip:port/path`; `https` when the instance's metadata says `secure: 'true'` (as Spring Cloud reads it). */
export function urlOf(instance: Instance, path: string): string {
  const scheme = instance.metadata['secure'] === 'true' ? 'https' : 'http';
  const host = instance.ip.includes(':') ? `[${instance.ip}]` : instance.ip;
  return `${scheme}://${host}:${instance.port}${path}`;
}

function worthRetrying(error: unknown, init: RequestInit): boolean {
  if (init.signal?.aborted) return false;
  if (!replayable(init.body)) return false;
  const code = errorCode(error);
  if (code === undefined) return false;
  if (NOT_CONNECTED.has(code)) return true;
  return BROKEN.has(code) && IDEMPOTENT.has((init.method ?? 'GET').toUpperCase());
}

/** A stream is consumed by the first attempt; everything else can be sent twice. */
function replayable(body: RequestInit['body']): boolean {
  return (
    !(body instanceof ReadableStream) && !(body !== null && typeof body === 'object' && Symbol.asyncIterator in body)
  );
}

/** Node's fetch wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }). */
function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
