import { InvalidParameterError } from '../errors.js';

export type HealthChecker =
  | { readonly type: 'TCP' }
  | {
      readonly type: 'HTTP';
      readonly path: string;
      readonly headers: string;
      readonly expectedResponseCode: number;
    }
  | { readonly type: 'MYSQL'; readonly user: string; readonly pwd: string; readonly cmd: string }
  | { readonly type: 'NONE' };

/**
 * Headers an HTTP checker may not set: they would let a namespace writer make the server send
 * credentials or smuggle a second request (Host, Authorization, Cookie, Proxy-*, framing headers).
 */
const FORBIDDEN_HEADER = /^(host|authorization|cookie|connection|content-length|transfer-encoding|proxy-.*)$/i;

/** The checker's `headers` (`name:value|name:value`) as pairs, names trimmed; pairs without a name are skipped. */
export function checkerHeaderPairs(headers: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const pair of headers.split('|')) {
    const colon = pair.indexOf(':');
    if (colon > 0) pairs.push([pair.slice(0, colon).trim(), pair.slice(colon + 1).trim()]);
  }
  return pairs;
}

/**
 * Control characters (CR and LF above all) in a checker's path or headers would split the request
 * it sends; Node refuses to send such a request, so the check would silently never happen. Tab
 * is allowed in header values, as HTTP allows it.
 */
function hasControlCharacter(text: string, allowTab: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && !(allowTab && c === 0x09)) || c === 0x7f) return true;
  }
  return false;
}

export function isForbiddenCheckerHeader(name: string): boolean {
  return FORBIDDEN_HEADER.test(name);
}

export const TCP_CHECKER: HealthChecker = Object.freeze({ type: 'TCP' });

/** Parses the polymorphic `healthChecker` JSON of PUT /cluster. */
export function parseHealthChecker(raw: string): HealthChecker {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InvalidParameterError(`healthChecker format incorrect:${raw}`);
  }
  if (value === null || typeof value !== 'object') {
    throw new InvalidParameterError(`healthChecker format incorrect:${raw}`);
  }
  const v = value as Record<string, unknown>;
  const type = typeof v['type'] === 'string' ? v['type'].toUpperCase() : '';
  const str = (key: string, fallback: string): string => (typeof v[key] === 'string' ? v[key] : fallback);
  switch (type) {
    case 'TCP':
      return TCP_CHECKER;
    case 'NONE':
      return { type: 'NONE' };
    case 'HTTP': {
      const code = Number(v['expectedResponseCode'] ?? 200);
      if (hasControlCharacter(str('path', ''), false)) {
        throw new InvalidParameterError('healthChecker path may not contain control characters (CR, LF, ...)');
      }
      if (hasControlCharacter(str('headers', ''), true)) {
        throw new InvalidParameterError('healthChecker headers may not contain control characters (CR, LF, ...)');
      }
      const forbidden = checkerHeaderPairs(str('headers', '')).find(([name]) => isForbiddenCheckerHeader(name));
      if (forbidden) {
        throw new InvalidParameterError(`healthChecker header '${forbidden[0]}' may not be set by a checker`);
      }
      return {
        type: 'HTTP',
        path: str('path', ''),
        headers: str('headers', ''),
        expectedResponseCode: Number.isInteger(code) ? code : 200,
      };
    }
    case 'MYSQL':
      return { type: 'MYSQL', user: str('user', ''), pwd: str('pwd', ''), cmd: str('cmd', '') };
    default:
      throw new InvalidParameterError(`unknown health check type:${raw}`);
  }
}
