import fc from 'fast-check';
import type { RawRequest } from './raw-http.js';
import { formOf } from './raw-http.js';
import { ODD_CONTENT_TYPES, USER_AGENTS, anyJsonValue, hostileText, jsonObjectOf, truncated } from './hostile.js';

export interface NacosEndpoint {
  readonly method: string;
  readonly path: string;
  /** Every parameter the handler reads. */
  readonly params: readonly string[];
}

const SVC = ['namespaceId', 'serviceName', 'groupName'];
const INSTANCE_WRITE = [...SVC, 'ip', 'port', 'clusterName', 'cluster', 'weight', 'enabled', 'enable', 'healthy'];
const REGISTER = [...INSTANCE_WRITE, 'ephemeral', 'metadata', 'app'];
const NS = '/nacos/v1/ns';

/** Every route under /nacos (the nacos/*.controller.ts files and auth's Nacos face) with the parameters it reads. */
export const NACOS_ENDPOINTS: readonly NacosEndpoint[] = [
  { method: 'POST', path: `${NS}/instance`, params: REGISTER },
  { method: 'PUT', path: `${NS}/instance`, params: REGISTER },
  { method: 'DELETE', path: `${NS}/instance`, params: [...SVC, 'ip', 'port', 'clusterName', 'cluster', 'ephemeral'] },
  { method: 'PATCH', path: `${NS}/instance`, params: [...INSTANCE_WRITE, 'metadata', 'app'] },
  { method: 'GET', path: `${NS}/instance`, params: [...SVC, 'ip', 'port', 'clusterName'] },
  {
    method: 'GET',
    path: `${NS}/instance/list`,
    params: [...SVC, 'dom', 'clusters', 'healthyOnly', 'udpPort', 'clientIP', 'app', 'env', 'isCheck'],
  },
  { method: 'PUT', path: `${NS}/instance/beat`, params: [...SVC, 'clusterName', 'ip', 'port', 'beat'] },
  { method: 'GET', path: `${NS}/instance/statuses`, params: ['key'] },
  { method: 'GET', path: `${NS}/api/allDomNames`, params: ['namespaceId', 'noVarArgs'] },
  {
    method: 'GET',
    path: `${NS}/api/srvIPXT`,
    params: [...SVC, 'dom', 'clusters', 'healthOnly', 'udpPort', 'clientIP', 'app', 'env', 'isCheck'],
  },
  {
    method: 'PUT',
    path: `${NS}/instance/metadata/batch`,
    params: [...SVC, 'metadata', 'consistencyType', 'instances'],
  },
  {
    method: 'DELETE',
    path: `${NS}/instance/metadata/batch`,
    params: [...SVC, 'metadata', 'consistencyType', 'instances'],
  },
  { method: 'POST', path: `${NS}/service`, params: [...SVC, 'protectThreshold', 'metadata', 'selector'] },
  { method: 'PUT', path: `${NS}/service`, params: [...SVC, 'protectThreshold', 'metadata', 'selector'] },
  { method: 'DELETE', path: `${NS}/service`, params: SVC },
  { method: 'GET', path: `${NS}/service`, params: SVC },
  { method: 'GET', path: `${NS}/service/list`, params: ['namespaceId', 'groupName', 'pageNo', 'pageSize', 'selector'] },
  { method: 'GET', path: `${NS}/service/names`, params: ['namespaceId', 'expr', 'responsibleOnly'] },
  { method: 'GET', path: `${NS}/service/subscribers`, params: [...SVC, 'pageNo', 'pageSize', 'aggregation'] },
  {
    method: 'GET',
    path: `${NS}/catalog/services`,
    params: [
      'namespaceId',
      'pageNo',
      'pageSize',
      'serviceNameParam',
      'groupNameParam',
      'instance',
      'hasIpCount',
      'withInstances',
    ],
  },
  { method: 'GET', path: `${NS}/catalog/service`, params: SVC },
  // An @All route: exercised with GET and POST (the console's methods); every method maps to one handler.
  { method: 'GET', path: `${NS}/catalog/instances`, params: [...SVC, 'clusterName', 'pageNo', 'pageSize'] },
  { method: 'POST', path: `${NS}/catalog/instances`, params: [...SVC, 'clusterName', 'pageNo', 'pageSize'] },
  {
    method: 'PUT',
    path: `${NS}/cluster`,
    params: [...SVC, 'clusterName', 'checkPort', 'useInstancePort4Check', 'healthChecker', 'metadata'],
  },
  { method: 'PUT', path: `${NS}/health`, params: [...SVC, 'ip', 'port', 'healthy', 'valid', 'clusterName'] },
  { method: 'PUT', path: `${NS}/health/instance`, params: [...SVC, 'ip', 'port', 'healthy', 'valid', 'clusterName'] },
  { method: 'GET', path: `${NS}/health/server`, params: [] },
  { method: 'GET', path: `${NS}/health/checkers`, params: [] },
  ...['operator', 'ops'].flatMap((base) => [
    { method: 'GET', path: `${NS}/${base}/metrics`, params: [] },
    { method: 'GET', path: `${NS}/${base}/switches`, params: [] },
    { method: 'PUT', path: `${NS}/${base}/switches`, params: ['entry', 'value', 'debug'] },
    { method: 'GET', path: `${NS}/${base}/push/state`, params: ['detail', 'reset'] },
    { method: 'GET', path: `${NS}/${base}/servers`, params: ['healthy'] },
  ]),
  {
    method: 'GET',
    path: '/nacos/v1/console/namespaces',
    params: ['checkNamespaceIdExist', 'customNamespaceId', 'show', 'namespaceId'],
  },
  {
    method: 'POST',
    path: '/nacos/v1/console/namespaces',
    params: ['customNamespaceId', 'namespaceName', 'namespaceDesc'],
  },
  { method: 'PUT', path: '/nacos/v1/console/namespaces', params: ['namespace', 'namespaceShowName', 'namespaceDesc'] },
  { method: 'DELETE', path: '/nacos/v1/console/namespaces', params: ['namespaceId'] },
  { method: 'GET', path: '/nacos/v1/console/server/state', params: [] },
  // Auth (packages/server/src/auth/nacos-auth.controller.ts), here with auth off.
  ...['login', 'users/login'].map((path) => ({
    method: 'POST',
    path: `/nacos/v1/auth/${path}`,
    params: ['username', 'password'],
  })),
  { method: 'GET', path: '/nacos/v1/auth/users', params: ['username', 'pageNo', 'pageSize'] },
  { method: 'GET', path: '/nacos/v1/auth/users/search', params: ['username'] },
  { method: 'POST', path: '/nacos/v1/auth/users', params: ['username', 'password'] },
  { method: 'PUT', path: '/nacos/v1/auth/users', params: ['username', 'newPassword'] },
  { method: 'PUT', path: '/nacos/v1/auth/users/password', params: ['oldPassword', 'newPassword'] },
  { method: 'PUT', path: '/nacos/v1/auth/password', params: ['oldPassword', 'newPassword'] },
  { method: 'DELETE', path: '/nacos/v1/auth/users', params: ['username'] },
  { method: 'GET', path: '/nacos/v1/auth/roles', params: ['username', 'pageNo', 'pageSize'] },
  { method: 'GET', path: '/nacos/v1/auth/roles/search', params: ['role'] },
  { method: 'POST', path: '/nacos/v1/auth/roles', params: ['role', 'username'] },
  { method: 'DELETE', path: '/nacos/v1/auth/roles', params: ['role', 'username'] },
  { method: 'GET', path: '/nacos/v1/auth/permissions', params: ['role', 'pageNo', 'pageSize'] },
  { method: 'POST', path: '/nacos/v1/auth/permissions', params: ['role', 'resource', 'action'] },
  { method: 'DELETE', path: '/nacos/v1/auth/permissions', params: ['role', 'resource', 'action'] },
  { method: 'GET', path: '/nacos/v1/console/health/liveness', params: [] },
  { method: 'GET', path: '/nacos/v1/console/health/readiness', params: [] },
  ...nacosV2Endpoints(),
];

/** The Nacos 2.x HTTP face (nacos-v2/*.controller.ts) and Prometheus discovery. */
function nacosV2Endpoints(): NacosEndpoint[] {
  const NS2 = '/nacos/v2/ns';
  const SERVICE = [...SVC, 'protectThreshold', 'metadata', 'selector', 'ephemeral'];
  const CLIENT_OF_SERVICE = [...SVC, 'ephemeral', 'ip', 'port'];
  const NAMESPACE = ['namespaceId', 'namespaceName', 'namespaceDesc'];
  return [
    { method: 'POST', path: `${NS2}/instance`, params: REGISTER },
    { method: 'PUT', path: `${NS2}/instance`, params: REGISTER },
    { method: 'DELETE', path: `${NS2}/instance`, params: [...SVC, 'ip', 'port', 'clusterName', 'ephemeral'] },
    { method: 'PATCH', path: `${NS2}/instance`, params: [...INSTANCE_WRITE, 'metadata', 'app'] },
    { method: 'GET', path: `${NS2}/instance`, params: [...SVC, 'ip', 'port', 'clusterName'] },
    {
      method: 'GET',
      path: `${NS2}/instance/list`,
      params: [...SVC, 'clusterName', 'healthyOnly', 'app', 'ip', 'port'],
    },
    { method: 'PUT', path: `${NS2}/instance/beat`, params: [...SVC, 'clusterName', 'ip', 'port', 'beat'] },
    {
      method: 'PUT',
      path: `${NS2}/instance/metadata/batch`,
      params: [...SVC, 'metadata', 'consistencyType', 'instances'],
    },
    {
      method: 'DELETE',
      path: `${NS2}/instance/metadata/batch`,
      params: [...SVC, 'metadata', 'consistencyType', 'instances'],
    },
    { method: 'POST', path: `${NS2}/service`, params: SERVICE },
    { method: 'PUT', path: `${NS2}/service`, params: SERVICE },
    { method: 'DELETE', path: `${NS2}/service`, params: SVC },
    { method: 'GET', path: `${NS2}/service`, params: SVC },
    {
      method: 'GET',
      path: `${NS2}/service/list`,
      params: ['namespaceId', 'groupName', 'pageNo', 'pageSize', 'selector'],
    },
    { method: 'PUT', path: `${NS2}/health`, params: [...SVC, 'ip', 'port', 'healthy', 'clusterName'] },
    { method: 'PUT', path: `${NS2}/health/instance`, params: [...SVC, 'ip', 'port', 'healthy', 'clusterName'] },
    ...['operator', 'ops'].flatMap((base) => [
      { method: 'GET', path: `${NS2}/${base}/metrics`, params: ['onlyStatus'] },
      { method: 'GET', path: `${NS2}/${base}/switches`, params: [] },
      { method: 'PUT', path: `${NS2}/${base}/switches`, params: ['entry', 'value', 'debug'] },
    ]),
    { method: 'GET', path: `${NS2}/client/list`, params: [] },
    { method: 'GET', path: `${NS2}/client`, params: ['clientId'] },
    { method: 'GET', path: `${NS2}/client/publish/list`, params: ['clientId'] },
    { method: 'GET', path: `${NS2}/client/subscribe/list`, params: ['clientId'] },
    { method: 'GET', path: `${NS2}/client/service/publisher/list`, params: CLIENT_OF_SERVICE },
    { method: 'GET', path: `${NS2}/client/service/subscriber/list`, params: CLIENT_OF_SERVICE },
    { method: 'GET', path: '/nacos/v2/core/cluster/node/self', params: [] },
    { method: 'GET', path: '/nacos/v2/core/cluster/node/list', params: ['address', 'state'] },
    { method: 'GET', path: '/nacos/v2/core/cluster/node/self/health', params: [] },
    { method: 'GET', path: '/nacos/v2/console/namespace/list', params: [] },
    { method: 'GET', path: '/nacos/v2/console/namespace', params: ['namespaceId'] },
    { method: 'POST', path: '/nacos/v2/console/namespace', params: NAMESPACE },
    { method: 'PUT', path: '/nacos/v2/console/namespace', params: NAMESPACE },
    { method: 'DELETE', path: '/nacos/v2/console/namespace', params: ['namespaceId'] },
    { method: 'GET', path: '/nacos/prometheus', params: [] },
    { method: 'GET', path: '/nacos/prometheus/namespaceId/:namespaceId', params: [] },
    { method: 'GET', path: '/nacos/prometheus/namespaceId/:namespaceId/service/:service', params: [] },
  ];
}

const metadataJson = jsonObjectOf({
  k: fc.constantFrom('v', ''),
  'preserved.heart.beat.interval': fc.constantFrom('1000', '0', '-5', 'x', '99999999999999999999'),
  'preserved.heart.beat.timeout': fc.constantFrom('3000', '0', '1'),
  'preserved.ip.delete.timeout': fc.constantFrom('6000', '0'),
  'preserved.instance.id.generator': fc.constantFrom('snowflake', 'simple', 'other'),
});

const ipValue = fc.constantFrom('127.0.0.1', '127.0.0.2', '127.0.0.3', '::1');
const portValue = fc.oneof(
  fc.constantFrom(8080, 8081, 9090, 0, -1, 65536, 2147483647, 2147483648, 1e20, 1.5, -0),
  fc.integer(),
);

const beatJson = jsonObjectOf({
  ip: ipValue,
  port: portValue,
  serviceName: fc.constantFrom('DEFAULT_GROUP@@svc-a', 'svc-a', 'bad name'),
  cluster: fc.constantFrom('DEFAULT', 'c1', '', 'bad.cluster'),
  weight: fc.oneof(fc.constantFrom(1, 0, 10000, 10001, -1), fc.double()),
  metadata: fc.oneof(fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), anyJsonValue),
  ephemeral: fc.constantFrom(true, false, 'false', 'true', 0, null),
  scheduled: fc.boolean(),
});

const selectorJson = fc.oneof(
  fc.constantFrom(
    '{"type":"none"}',
    '{"type":"label","expression":"CONSUMER.label.a = PROVIDER.label.a"}',
    '{"type":"label"}',
    '{"type":"bogus"}',
    '{"type":7}',
    '%7B%22type%22%3A%22none%22%7D',
    'null',
  ),
  jsonObjectOf({ type: fc.constantFrom('none', 'label'), expression: fc.string() }),
);

const healthCheckerJson = fc.oneof(
  fc.constantFrom('{"type":"TCP"}', '{"type":"NONE"}', '{"type":"MYSQL"}', '{"type":"http"}', '{"type":"XX"}', '[]'),
  jsonObjectOf({
    type: fc.constantFrom('TCP', 'HTTP', 'NONE', 'MYSQL'),
    path: fc.string(),
    headers: fc.string(),
    expectedResponseCode: fc.oneof(fc.integer(), fc.double(), fc.string()),
  }),
);

const instancesJson = fc.oneof(
  fc.constantFrom('[]', '[null]', '[1]', '{}', '[{"ip":1}]', '[{"ip":"127.0.0.1","port":8080}]'),
  fc
    .array(
      jsonObjectOf({
        ip: ipValue,
        port: portValue,
        ephemeral: fc.constantFrom(true, false, 'false'),
        clusterName: fc.constantFrom('DEFAULT', 'c1', ''),
      }),
      { maxLength: 3 },
    )
    .map((items) => `[${items.join(',')}]`),
);

/** Plausible values per parameter, pointing at the seeded services so requests get past lookups. */
const PLAUSIBLE: Record<string, fc.Arbitrary<string>> = {
  namespaceId: fc.constantFrom('', 'public', 'ns-a', 'ns-new'),
  serviceName: fc.constantFrom(
    'svc-a',
    'DEFAULT_GROUP@@svc-a',
    'svc-b',
    'grp@@svc-b',
    'svc-c',
    'svc-new',
    '@@svc-a',
    'grp@@',
  ),
  dom: fc.constantFrom('svc-a', 'DEFAULT_GROUP@@svc-a'),
  groupName: fc.constantFrom('DEFAULT_GROUP', 'grp', '*'),
  ip: ipValue,
  port: portValue.map(String),
  clusterName: fc.constantFrom('DEFAULT', 'c1', 'c2', 'bad.cluster'),
  cluster: fc.constantFrom('DEFAULT', 'c1', 'c2'),
  clusters: fc.constantFrom('', 'DEFAULT', 'DEFAULT,c1', ',,,', 'nope'),
  weight: fc.constantFrom('1', '0', '10000', '10000.0', '10001', '-1', '0.5', '1d', '1e2'),
  enabled: fc.constantFrom('true', 'false', 'TRUE', 'yes'),
  enable: fc.constantFrom('true', 'false'),
  healthy: fc.constantFrom('true', 'false'),
  valid: fc.constantFrom('true', 'false'),
  ephemeral: fc.constantFrom('true', 'false', 'False'),
  metadata: fc.oneof(fc.constantFrom('{}', '{"k":"v"}', 'k=v,k2=v2'), metadataJson, truncated(metadataJson)),
  app: fc.constantFrom('DEFAULT', 'app-1'),
  beat: fc.oneof(beatJson, truncated(beatJson)),
  selector: fc.oneof(selectorJson, truncated(selectorJson)),
  healthChecker: fc.oneof(healthCheckerJson, truncated(healthCheckerJson)),
  instances: fc.oneof(instancesJson, truncated(instancesJson)),
  consistencyType: fc.constantFrom('ephemeral', 'persist', 'other'),
  protectThreshold: fc.constantFrom('0', '0.5', '1', '-1', '1e308', '2'),
  pageNo: fc.constantFrom('1', '2', '0', '-1', '2147483647'),
  pageSize: fc.constantFrom('10', '1', '0', '-10', '2147483647'),
  healthyOnly: fc.constantFrom('true', 'false'),
  udpPort: fc.constantFrom('0', '-1', '65536'),
  clientIP: fc.constantFrom('127.0.0.1'),
  checkPort: fc.constantFrom('80', '0', '-1', '70000'),
  useInstancePort4Check: fc.constantFrom('true', 'false'),
  key: fc.constantFrom('public##DEFAULT_GROUP@@svc-a', 'DEFAULT_GROUP@@svc-a', 'ns-a##grp@@svc-b', '##', 'x##'),
  entry: fc.constantFrom(
    'clientBeatInterval',
    'pushCacheMillis',
    'defaultCacheMillis',
    'pushEnabled',
    'lightBeatEnabled',
    'defaultInstanceEphemeral',
    'healthCheckTimes',
    'overriddenServerStatus',
    'distroThreshold',
    'batch',
  ),
  value: fc.constantFrom('1', '0', '5000', '20000', 'true', 'false', 'null', 'UP', 'READ_ONLY', 'bogus'),
  customNamespaceId: fc.constantFrom('ns-a', 'ns-b', 'public', 'bad id', 'x'.repeat(129)),
  namespaceName: fc.constantFrom('A', 'B'),
  namespace: fc.constantFrom('ns-a', 'ns-c'),
  namespaceShowName: fc.constantFrom('A2'),
  checkNamespaceIdExist: fc.constantFrom('true', 'false'),
  show: fc.constantFrom('all', 'none'),
  hasIpCount: fc.constantFrom('true', 'false'),
  withInstances: fc.constantFrom('true', 'false'),
  instance: fc.constantFrom('127.0.0.1', '127.0.0.1:8080'),
  username: fc.constantFrom('nacos', 'alice', 'bob'),
  password: fc.constantFrom('secret-pw-1', 'nacos'),
  newPassword: fc.constantFrom('secret-pw-2'),
  role: fc.constantFrom('ROLE_ADMIN', 'dev', 'ops'),
  resource: fc.constantFrom('public:DEFAULT_GROUP:naming/*', 'ns-a:*:naming/*', ':*:*', '*'),
  action: fc.constantFrom('r', 'w', 'rw', 'x'),
};

export function valueFor(name: string): fc.Arbitrary<string> {
  const plausible = PLAUSIBLE[name];
  return plausible ? fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 2, arbitrary: hostileText }) : hostileText;
}

type Placement = 'query' | 'form' | 'form-no-type' | 'json' | 'split' | 'odd-type';

/**
 * One request to a Nacos endpoint: each parameter missing, plausible or hostile; sometimes
 * repeated (arrays), sometimes joined by unknown parameters; sent in the query, a form body with
 * or without Content-Type, a JSON body, split between both, or under a wrong Content-Type.
 * Sometimes the body is simply broken.
 */
export function nacosRequest(endpoint: NacosEndpoint): fc.Arbitrary<RawRequest> {
  const names = endpoint.params.length > 0 ? endpoint.params : ['x'];
  const params = fc.tuple(
    ...names.map((name) => fc.option(valueFor(name), { nil: undefined, freq: 3 }).map((v) => [name, v] as const)),
  );
  const repeats = fc.array(
    fc.constantFrom(...names).chain((name) => valueFor(name).map((v) => [name, v] as const)),
    { maxLength: 2 },
  );
  const junk = fc.array(fc.tuple(hostileText, hostileText), { maxLength: 2 });
  const placement = fc.constantFrom<Placement>('query', 'query', 'form', 'form-no-type', 'json', 'split', 'odd-type');
  const brokenBody = fc.option(
    fc.oneof(
      hostileText,
      anyJsonValue.map((v) => JSON.stringify(v)),
    ),
    { freq: 8 },
  );
  return fc
    .record({
      params,
      repeats,
      junk,
      placement,
      brokenBody,
      oddType: fc.constantFrom(...ODD_CONTENT_TYPES),
      userAgent: fc.constantFrom(...USER_AGENTS),
      rawQuery: fc.option(fc.constantFrom('&port=%', '&serviceName=%E0%A4%A', '&&&=&', '&ip', '&a[b]=c'), {
        freq: 8,
      }),
    })
    .map((r) => {
      const pairs: [string, string][] = [];
      for (const [k, v] of r.params) if (v !== undefined) pairs.push([k, v]);
      for (const [k, v] of r.repeats) pairs.push([k, v]);
      for (const [k, v] of r.junk) pairs.push([k, v]);
      const headers: Record<string, string> = {};
      if (r.userAgent !== undefined) headers['user-agent'] = r.userAgent;
      let queryPairs: [string, string][] = [];
      let body: string | undefined;
      switch (r.placement) {
        case 'query':
          queryPairs = pairs;
          break;
        case 'form':
          headers['content-type'] = 'application/x-www-form-urlencoded';
          body = formOf(pairs);
          break;
        case 'form-no-type':
          body = formOf(pairs);
          break;
        case 'json': {
          headers['content-type'] = 'application/json';
          const object: Record<string, string | string[]> = {};
          for (const [k, v] of pairs) {
            const prev = object[k];
            object[k] = prev === undefined ? v : [prev, v].flat();
          }
          body = JSON.stringify(object);
          break;
        }
        case 'split':
          headers['content-type'] = 'application/x-www-form-urlencoded';
          queryPairs = pairs.filter((_, i) => i % 2 === 0);
          body = formOf(pairs.filter((_, i) => i % 2 === 1));
          break;
        case 'odd-type':
          headers['content-type'] = r.oddType;
          body = formOf(pairs);
          break;
      }
      if (r.brokenBody !== null) body = r.brokenBody;
      const query = formOf(queryPairs) + (r.rawQuery ?? '');
      return {
        method: endpoint.method,
        path: query === '' ? endpoint.path : `${endpoint.path}?${query}`,
        headers,
        ...(body === undefined ? {} : { body }),
      };
    });
}
