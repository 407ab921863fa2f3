import fc from 'fast-check';
import { encodeSegment, hostileText, rawSegment } from './hostile.js';
import type { RawRequest } from './raw-http.js';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'TRACE', 'SEARCH', 'MKCOL'];
const PREFIXES = [
  '/',
  '/nacos',
  '/nacos/v1',
  '/nacos/v1/ns',
  '/nacos/v1/ns/instance',
  '/nacos/v1/ns/instance/list',
  '/nacos/v1/ns/catalog',
  '/nacos/v1/console',
  '/nacos/v2/ns/instance',
  '/api',
  '/api/v1',
  '/api/v1/namespaces/public/services',
  '/api/v2',
];

/**
 * Requests nobody routes: unknown methods on known paths, known prefixes with extra or odd
 * segments (encoded, raw, dot segments, trailing slashes, doubled slashes).
 */
export const strayRequest: fc.Arbitrary<RawRequest> = fc
  .record({
    method: fc.constantFrom(...METHODS),
    prefix: fc.constantFrom(...PREFIXES),
    tail: fc.array(fc.oneof(hostileText.map(encodeSegment), rawSegment, fc.constantFrom('', '.', '..', 'list')), {
      maxLength: 3,
    }),
    trailingSlash: fc.boolean(),
  })
  .map(({ method, prefix, tail, trailingSlash }) => {
    const path = [prefix.replace(/\/$/, ''), ...tail].join('/') + (trailingSlash ? '/' : '');
    return { method, path: path.startsWith('/') ? path : `/${path}` };
  });
