import fc from 'fast-check';
import type { RawRequest } from './raw-http.js';
import { formOf } from './raw-http.js';
import {
  ODD_CONTENT_TYPES,
  anyJsonValue,
  encodeSegment,
  hostileText,
  jsonObjectOf,
  rawSegment,
  truncated,
} from './hostile.js';

export interface ApiEndpoint {
  readonly method: string;
  /** Fastify route, with `:param` path parameters. */
  readonly route: string;
  readonly query: readonly string[];
  /** Fields of the JSON body, with plausible values; undefined when the route takes no body. */
  readonly body?: Record<string, fc.Arbitrary<unknown>>;
  /** Request headers the route reads, with the values to try. */
  readonly headers?: Record<string, fc.Arbitrary<string>>;
}

const AUTH = '/api/v1/auth';
const username = fc.constantFrom('nacos', 'alice', 'bob', '');
const password = fc.constantFrom('secret-pw-1', '');
const role = fc.constantFrom('ROLE_ADMIN', 'dev', 'ops', '');
const resource = fc.constantFrom('public:DEFAULT_GROUP:naming/*', ':*:*', '*', '');
const action = fc.constantFrom('r', 'w', 'rw', 'x', '');

const SERVICE = '/api/v1/namespaces/:namespaceId/services/:groupName/:serviceName';

const metadataMap = fc.dictionary(
  fc.constantFrom('k', 'preserved.heart.beat.interval', 'preserved.heart.beat.timeout', 'preserved.ip.delete.timeout'),
  fc.oneof(fc.constantFrom('v', '1000', '3000', '6000', '0', '-1', 'x'), fc.constant(null)),
  { maxKeys: 3 },
);

/** Every /api/v1 route (api/, auth's native face, the watch stream) with its query, body and header fields. */
export const API_ENDPOINTS: readonly ApiEndpoint[] = [
  { method: 'GET', route: '/api/v1/status', query: [] },
  { method: 'GET', route: '/api/v1/namespaces', query: [] },
  { method: 'GET', route: '/api/v1/overview', query: [] },
  {
    method: 'GET',
    route: '/api/v1/audit',
    query: ['target', 'targetType', 'actor', 'action', 'from', 'to', 'cursor', 'pageSize'],
  },
  {
    method: 'POST',
    route: '/api/v1/namespaces',
    query: [],
    body: {
      id: fc.constantFrom('ns-x', 'public', 'bad id', '', 'x'.repeat(129)),
      name: fc.constantFrom('Name', '', ' '),
      description: fc.constantFrom('d', ''),
    },
  },
  {
    method: 'PUT',
    route: '/api/v1/namespaces/:namespaceId',
    query: [],
    body: { name: fc.constantFrom('Name', '', ' '), description: fc.constantFrom('d', '') },
  },
  { method: 'DELETE', route: '/api/v1/namespaces/:namespaceId', query: [] },
  {
    method: 'GET',
    route: '/api/v1/namespaces/:namespaceId/services',
    query: ['search', 'group', 'health', 'hideEmpty', 'sort', 'page', 'pageSize'],
  },
  { method: 'GET', route: '/api/v1/namespaces/:namespaceId/groups', query: [] },
  {
    method: 'POST',
    route: '/api/v1/namespaces/:namespaceId/services',
    query: [],
    body: {
      name: fc.constantFrom('svc-a', 'svc-new', 'bad name', 'a@@b', '@@x'),
      groupName: fc.constantFrom('DEFAULT_GROUP', 'grp', ''),
      protectThreshold: fc.constantFrom(0, 0.5, 1, -0.1, 2),
      metadata: metadataMap,
    },
  },
  { method: 'GET', route: SERVICE, query: [] },
  {
    method: 'PUT',
    route: SERVICE,
    query: [],
    body: {
      protectThreshold: fc.constantFrom(0, 0.5, 1, 1.5),
      metadata: metadataMap,
      defaultBeatIntervalMs: fc.constantFrom(1000, 5000, 999, 3600001, 1500.5, null, '5000'),
    },
  },
  { method: 'DELETE', route: SERVICE, query: [] },
  { method: 'GET', route: `${SERVICE}/subscribers`, query: [] },
  { method: 'GET', route: `${SERVICE}/health-history`, query: ['windowMs'] },
  {
    method: 'PUT',
    route: `${SERVICE}/clusters/:clusterName`,
    query: [],
    body: {
      healthChecker: fc.constantFrom(
        { type: 'TCP' },
        { type: 'HTTP', path: '/health' },
        { type: 'HTTP', path: 'x' },
        { type: 'NONE' },
        { type: 'MYSQL' },
        { type: 7 },
        'TCP',
        null,
      ),
      checkPort: fc.constantFrom(80, 0, 65536, 1.5, '80'),
      useInstancePort: fc.constantFrom(true, false, 'yes'),
    },
  },
  {
    method: 'PATCH',
    route: `${SERVICE}/instances/:clusterName/:ip/:port`,
    query: [],
    body: { weight: fc.constantFrom(0, 1, 10000, 10001, -1), enabled: fc.boolean(), metadata: metadataMap },
  },
  {
    method: 'PATCH',
    route: `${SERVICE}/instances`,
    query: [],
    body: {
      instances: fc.constantFrom(
        [{ clusterName: 'DEFAULT', ip: '127.0.0.1', port: 8080 }],
        [{ clusterName: 'DEFAULT', ip: '127.0.0.1', port: 1.5 }],
        [{ ip: '127.0.0.1' }],
        [],
        [null],
        'all',
        {},
      ),
      patch: fc.oneof(
        fc.record({ weight: fc.constantFrom(0, 5, 10001, null), enabled: fc.boolean(), metadata: metadataMap }),
        fc.constantFrom({}, null, 'x', []),
      ),
    },
  },
  {
    method: 'GET',
    route: '/api/v1/watch',
    query: ['namespaceId', 'services'],
    headers: {
      'last-event-id': fc.oneof(
        fc.constantFrom('0', '-1', 'abc', '', ' 5 ', 'NaN', '1e3', '2147483648', '99999999999999999999999'),
        fc.integer().map(String),
      ),
    },
  },
  { method: 'POST', route: `${AUTH}/login`, query: [], body: { username, password } },
  { method: 'GET', route: `${AUTH}/mode`, query: [] },
  { method: 'GET', route: `${AUTH}/me`, query: ['namespaceId'] },
  { method: 'GET', route: `${AUTH}/users`, query: [] },
  { method: 'POST', route: `${AUTH}/users`, query: [], body: { username, password } },
  { method: 'PUT', route: `${AUTH}/users/:username/password`, query: [], body: { password } },
  { method: 'DELETE', route: `${AUTH}/users/:username`, query: [] },
  { method: 'GET', route: `${AUTH}/roles`, query: [] },
  { method: 'POST', route: `${AUTH}/roles`, query: [], body: { role, username } },
  { method: 'DELETE', route: `${AUTH}/roles/:role`, query: ['username'] },
  { method: 'GET', route: `${AUTH}/permissions`, query: [] },
  { method: 'POST', route: `${AUTH}/permissions`, query: [], body: { role, resource, action } },
  { method: 'DELETE', route: `${AUTH}/permissions`, query: ['role', 'resource', 'action'] },
];

const PLAUSIBLE_PATH: Record<string, fc.Arbitrary<string>> = {
  namespaceId: fc.constantFrom('public', 'ns-a', ' ', 'ns-new'),
  groupName: fc.constantFrom('DEFAULT_GROUP', 'grp'),
  serviceName: fc.constantFrom('svc-a', 'svc-b', 'svc-c', 'svc-new'),
  clusterName: fc.constantFrom('DEFAULT', 'c1', 'c2'),
  ip: fc.constantFrom('127.0.0.1', '127.0.0.2', '127.0.0.3'),
  port: fc.constantFrom('8080', '8081', '9090', '-1', '2147483648', '1e3', '0x50'),
  username: fc.constantFrom('nacos', 'alice', 'bob'),
  role: fc.constantFrom('ROLE_ADMIN', 'dev', 'ops'),
};

const PLAUSIBLE_QUERY: Record<string, fc.Arbitrary<string>> = {
  search: fc.constantFrom('svc', 'SVC', ''),
  group: fc.constantFrom('DEFAULT_GROUP', 'grp'),
  page: fc.constantFrom('1', '2', '0', '1000000', '1000001'),
  pageSize: fc.constantFrom('1', '20', '500', '501', '0'),
  health: fc.constantFrom('all', 'unhealthy', 'protection', 'healthy', 'empty', 'sick'),
  hideEmpty: fc.constantFrom('true', 'false', 'yes'),
  sort: fc.constantFrom('name', 'health', 'random'),
  windowMs: fc.constantFrom('1000', '3600000', '999', '3600001', 'x'),
  namespaceId: fc.constantFrom('public', 'ns-a', ''),
  services: fc.constantFrom('DEFAULT_GROUP@@svc-a', 'svc-a,svc-c', 'grp@@svc-b', '@@x', 'a@@', ',,', 'bad name'),
  username: fc.constantFrom('alice', 'bob'),
  role: fc.constantFrom('dev', 'ops'),
  resource: fc.constantFrom('public:DEFAULT_GROUP:naming/*', ':*:*'),
  action: fc.constantFrom('r', 'w', 'rw', 'editInstance'),
  target: fc.constantFrom('public', 'public/DEFAULT_GROUP@@svc-a', 'user:alice', ''),
  targetType: fc.constantFrom('instance', 'service', 'user', 'thing'),
  actor: fc.constantFrom('nacos', 'alice'),
  from: fc.constantFrom('0', '2026-01-01T00:00:00Z', '99999999999999999999', 'yesterday'),
  to: fc.constantFrom('1', '2126-01-01', '-5'),
  cursor: fc.constantFrom('1', '10', '0', 'abc', '9007199254740993'),
};

function pathValue(name: string): fc.Arbitrary<string> {
  const plausible = (PLAUSIBLE_PATH[name] ?? hostileText).map(encodeSegment);
  return fc.oneof(
    { weight: 4, arbitrary: plausible },
    { weight: 2, arbitrary: hostileText.map(encodeSegment) },
    { weight: 1, arbitrary: rawSegment },
  );
}

function queryValue(name: string): fc.Arbitrary<string> {
  const plausible = PLAUSIBLE_QUERY[name];
  return plausible ? fc.oneof({ weight: 2, arbitrary: plausible }, { weight: 1, arbitrary: hostileText }) : hostileText;
}

type BodyKind = 'json' | 'json-any' | 'broken-json' | 'empty-json' | 'form' | 'no-type' | 'odd-type' | 'none';

/**
 * One request to an /api/v1 route: hostile path segments (encoded, or raw bad encodings), query
 * values, and bodies that are valid JSON with hostile field values, any JSON value, broken JSON,
 * empty, form-encoded, untyped or mistyped.
 */
export function apiRequest(endpoint: ApiEndpoint): fc.Arbitrary<RawRequest> {
  const pathParams = endpoint.route.split('/').filter((s) => s.startsWith(':'));
  const segments = fc.tuple(...pathParams.map((p) => pathValue(p.slice(1))));
  const query = fc.tuple(
    ...endpoint.query.map((q) => fc.option(queryValue(q), { nil: undefined, freq: 2 }).map((v) => [q, v] as const)),
  );
  const repeatedQuery = fc.array(
    fc.tuple(fc.constantFrom('page', 'pageSize', 'search', 'health', 'sort', 'x'), hostileText),
    {
      maxLength: 2,
    },
  );
  const objectBody = endpoint.body ? jsonObjectOf(endpoint.body) : fc.constant('{}');
  const bodyKind = fc.constantFrom<BodyKind>(
    ...(endpoint.body
      ? ([
          'json',
          'json',
          'json',
          'json-any',
          'broken-json',
          'empty-json',
          'form',
          'no-type',
          'odd-type',
          'none',
        ] as const)
      : (['none', 'none', 'none', 'json-any', 'broken-json', 'no-type'] as const)),
  );
  return fc
    .record({
      segments,
      query,
      repeatedQuery,
      bodyKind,
      objectBody,
      anyBody: anyJsonValue.map((v) => JSON.stringify(v)),
      brokenBody: fc.oneof(truncated(objectBody), hostileText),
      oddType: fc.constantFrom(...ODD_CONTENT_TYPES),
      extraHeaders: fc.tuple(
        ...Object.entries(endpoint.headers ?? {}).map(([name, value]) =>
          fc.option(value, { nil: undefined }).map((v) => [name, v] as const),
        ),
      ),
    })
    .map((r) => {
      let i = 0;
      const path = endpoint.route
        .split('/')
        .map((s) => (s.startsWith(':') ? (r.segments[i++] ?? '') : s))
        .join('/');
      const pairs: [string, string][] = [];
      for (const [k, v] of r.query) if (v !== undefined) pairs.push([k, v]);
      for (const [k, v] of r.repeatedQuery) pairs.push([k, v]);
      const qs = formOf(pairs);
      const headers: Record<string, string> = {};
      for (const [name, value] of r.extraHeaders) if (value !== undefined) headers[name] = value;
      let body: string | undefined;
      switch (r.bodyKind) {
        case 'json':
          headers['content-type'] = 'application/json';
          body = r.objectBody;
          break;
        case 'json-any':
          headers['content-type'] = 'application/json';
          body = r.anyBody;
          break;
        case 'broken-json':
          headers['content-type'] = 'application/json';
          body = r.brokenBody;
          break;
        case 'empty-json':
          headers['content-type'] = 'application/json';
          body = '';
          break;
        case 'form':
          headers['content-type'] = 'application/x-www-form-urlencoded';
          body = formOf(
            Object.entries(JSON.parse(r.objectBody) as object).map(([k, v]) => [
              k,
              typeof v === 'string' ? v : JSON.stringify(v),
            ]),
          );
          break;
        case 'no-type':
          body = r.objectBody;
          break;
        case 'odd-type':
          headers['content-type'] = r.oddType;
          body = r.objectBody;
          break;
        case 'none':
          break;
      }
      return {
        method: endpoint.method,
        path: qs === '' ? path : `${path}?${qs}`,
        headers,
        ...(body === undefined ? {} : { body }),
      };
    });
}
