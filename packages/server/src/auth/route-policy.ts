import { normalizeNamespace, toGroupedName } from '@beacon/core';
import { paramsOf, type RequestView } from '../http/request-context.js';
import { groupedServiceOf, namespaceOf, statusesKeyOf } from '../wire/nacos-names.js';
import { ALL_NAMESPACES, namespaceResource, serviceResource, type Action, type NamingResource } from './resource.js';

export type Face = 'nacos' | 'api';

/** What a route demands of the caller. */
export type Access =
  | { readonly kind: 'public' }
  | { readonly kind: 'authenticated' }
  | { readonly kind: 'admin' }
  /** Admins only when the request asks for `when` (a detail, a reset); any signed-in user otherwise. */
  | { readonly kind: 'admin-when'; readonly when: (request: RequestView) => boolean }
  /** The user named by the request (their own password), or an admin. */
  | { readonly kind: 'self'; readonly username: (request: RequestView) => string | undefined }
  | {
      readonly kind: 'resource';
      readonly action: Action;
      readonly resources: (request: RequestView) => readonly NamingResource[];
    };

export interface RoutePolicy {
  readonly face: Face;
  readonly access: Access;
  /** False when the route is under /nacos or /api but missing from the table: admins only. */
  readonly classified: boolean;
}

type Resources = (request: RequestView) => readonly NamingResource[];

const PUBLIC: Access = { kind: 'public' };
const AUTHENTICATED: Access = { kind: 'authenticated' };
const ADMIN: Access = { kind: 'admin' };
const read = (resources: Resources): Access => ({ kind: 'resource', action: 'r', resources });
const write = (resources: Resources): Access => ({ kind: 'resource', action: 'w', resources });

// Each extractor reads the request exactly as the controller behind the route does (same helpers),
// so the resource checked is the resource touched. When a name cannot be read, the whole namespace
// is required instead: stricter, never looser; the controller then rejects the request itself.

/** Nacos face, one service: `namespaceId` + `serviceName` (or `dom`) + `groupName` (NamingResourceParser). */
const nacosService: Resources = (request) => {
  const p = paramsOf(request);
  const namespaceId = namespaceOf(p);
  try {
    return [serviceResource(namespaceId, groupedServiceOf(p))];
  } catch {
    return [namespaceResource(namespaceId)];
  }
};

/** `/instance/statuses`: the service named by `key` (`<ns>##<group@@svc>`). */
const nacosStatusesKey: Resources = (request) => {
  try {
    const { namespaceId, serviceName } = statusesKeyOf(paramsOf(request));
    return [serviceResource(normalizeNamespace(namespaceId), serviceName)];
  } catch {
    return [ALL_NAMESPACES];
  }
};

/** Nacos face, a listing of the whole namespace: any `serviceName` sent along does not narrow it. */
const nacosNamespace: Resources = (request) => [namespaceResource(namespaceOf(paramsOf(request)))];

/** `/service/names` lists every namespace when none is given. */
const nacosServiceNames: Resources = (request) => {
  const p = paramsOf(request);
  return p.get('namespaceId') === undefined ? [ALL_NAMESPACES] : [namespaceResource(namespaceOf(p))];
};

function routeParams(request: RequestView): Record<string, string | undefined> {
  return (request.params ?? {}) as Record<string, string | undefined>;
}

/** Native API, a namespace from the path. */
const apiNamespace: Resources = (request) => [
  namespaceResource(normalizeNamespace(routeParams(request)['namespaceId'])),
];

/** Native API, `:groupName/:serviceName` from the path, joined as the controllers join them. */
const apiService: Resources = (request) => {
  const params = routeParams(request);
  const namespaceId = normalizeNamespace(params['namespaceId']);
  const name = params['serviceName'];
  if (!name) return [namespaceResource(namespaceId)];
  return [serviceResource(namespaceId, toGroupedName(name, params['groupName']))];
};

/** Native API, service creation: `name` and `groupName` from the JSON body. */
const apiNewService: Resources = (request) => {
  const namespaceId = normalizeNamespace(routeParams(request)['namespaceId']);
  const body = request.body as Record<string, unknown> | null | undefined;
  const name = typeof body?.['name'] === 'string' ? body['name'].trim() : '';
  const group = typeof body?.['groupName'] === 'string' ? body['groupName'] : undefined;
  if (name === '') return [namespaceResource(namespaceId)];
  return [serviceResource(namespaceId, toGroupedName(name, group))];
};

/** The watch stream: `namespaceId` and, optionally, `services` = comma-separated grouped names. */
const apiWatch: Resources = (request) => {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const rawNamespace = query['namespaceId'];
  // A repeated parameter arrives as an array: whatever the controller makes of it, demand everything.
  if (rawNamespace !== undefined && typeof rawNamespace !== 'string') return [ALL_NAMESPACES];
  const namespaceId = normalizeNamespace(rawNamespace);
  const names = (typeof query['services'] === 'string' ? query['services'] : '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) return [namespaceResource(namespaceId)];
  return names.map((name) => serviceResource(namespaceId, toGroupedName(name, undefined)));
};

/** Prometheus discovery of one namespace: `:namespaceId` from the path. */
const prometheusNamespace: Resources = (request) => [
  namespaceResource(normalizeNamespace(routeParams(request)['namespaceId'])),
];

const PUSH_STATE: Access = {
  kind: 'admin-when',
  when: (request) => {
    const p = paramsOf(request);
    return p.bool('detail', false) || p.bool('reset', false);
  },
};

const NS = '/nacos/v1/ns';
const NS2 = '/nacos/v2/ns';
const SERVICE_PATH = '/api/v1/namespaces/:namespaceId/services/:groupName/:serviceName';

/**
 * Every route under /nacos and /api with what it demands, keyed by `METHOD pattern` as Fastify
 * matched it (`ALL` for any method). Public here is exactly the list of docs/nacos-protocol.md §8,
 * liveness/readiness probes included. A route missing from this table is for admins only.
 */
const TABLE: Readonly<Record<string, Access>> = {
  // Instances
  [`POST ${NS}/instance`]: write(nacosService),
  [`DELETE ${NS}/instance`]: write(nacosService),
  [`PUT ${NS}/instance`]: write(nacosService),
  [`PATCH ${NS}/instance`]: write(nacosService),
  [`GET ${NS}/instance`]: read(nacosService),
  [`GET ${NS}/instance/list`]: read(nacosService),
  // Nacos 1.4's legacy ApiController (nacos-coredns-plugin)
  [`GET ${NS}/api/allDomNames`]: read(nacosNamespace),
  [`GET ${NS}/api/srvIPXT`]: read(nacosService),
  [`PUT ${NS}/instance/beat`]: write(nacosService),
  // Server-to-server in Nacos, where it leaks every namespace's instances: a read like any other here.
  [`GET ${NS}/instance/statuses`]: read(nacosStatusesKey),
  [`PUT ${NS}/instance/metadata/batch`]: write(nacosService),
  [`DELETE ${NS}/instance/metadata/batch`]: write(nacosService),
  // Services
  [`POST ${NS}/service`]: write(nacosService),
  [`DELETE ${NS}/service`]: write(nacosService),
  [`PUT ${NS}/service`]: write(nacosService),
  [`GET ${NS}/service`]: read(nacosService),
  [`GET ${NS}/service/list`]: read(nacosNamespace),
  [`GET ${NS}/service/names`]: read(nacosServiceNames),
  [`GET ${NS}/service/subscribers`]: read(nacosService),
  // Catalog (console)
  [`GET ${NS}/catalog/services`]: read(nacosNamespace),
  [`GET ${NS}/catalog/service`]: read(nacosService),
  [`ALL ${NS}/catalog/instances`]: read(nacosService),
  // Cluster and health
  [`PUT ${NS}/cluster`]: write(nacosService),
  [`PUT ${NS}/health/instance`]: write(nacosService),
  [`PUT ${NS}/health`]: write(nacosService),
  [`GET ${NS}/health/server`]: PUBLIC,
  [`GET ${NS}/health/checkers`]: AUTHENTICATED,
  // Operator, under both /operator and /ops
  ...Object.fromEntries(
    ['operator', 'ops'].flatMap((prefix): [string, Access][] => [
      [`GET ${NS}/${prefix}/metrics`, PUBLIC],
      [`GET ${NS}/${prefix}/switches`, PUBLIC],
      [`PUT ${NS}/${prefix}/switches`, ADMIN],
      // Failed push targets (client addresses) and resetting the figures are an operator's business.
      [`GET ${NS}/${prefix}/push/state`, PUSH_STATE],
      [`GET ${NS}/${prefix}/servers`, AUTHENTICATED],
    ]),
  ),
  // Console
  [`GET /nacos/v1/console/namespaces`]: PUBLIC,
  [`POST /nacos/v1/console/namespaces`]: ADMIN,
  [`PUT /nacos/v1/console/namespaces`]: ADMIN,
  [`DELETE /nacos/v1/console/namespaces`]: ADMIN,
  [`GET /nacos/v1/console/server/state`]: PUBLIC,
  [`GET /nacos/v1/console/health/liveness`]: PUBLIC,
  [`GET /nacos/v1/console/health/readiness`]: PUBLIC,
  // Nacos 2.x HTTP API: the same resources as 1.x, read from the same parameters
  [`POST ${NS2}/instance`]: write(nacosService),
  [`DELETE ${NS2}/instance`]: write(nacosService),
  [`PUT ${NS2}/instance`]: write(nacosService),
  [`PATCH ${NS2}/instance`]: write(nacosService),
  [`GET ${NS2}/instance`]: read(nacosService),
  [`GET ${NS2}/instance/list`]: read(nacosService),
  [`PUT ${NS2}/instance/beat`]: write(nacosService),
  [`PUT ${NS2}/instance/metadata/batch`]: write(nacosService),
  [`DELETE ${NS2}/instance/metadata/batch`]: write(nacosService),
  [`POST ${NS2}/service`]: write(nacosService),
  [`DELETE ${NS2}/service`]: write(nacosService),
  [`PUT ${NS2}/service`]: write(nacosService),
  [`GET ${NS2}/service`]: read(nacosService),
  [`GET ${NS2}/service/list`]: read(nacosNamespace),
  [`PUT ${NS2}/health`]: write(nacosService),
  [`PUT ${NS2}/health/instance`]: write(nacosService),
  ...Object.fromEntries(
    ['operator', 'ops'].flatMap((prefix): [string, Access][] => [
      [`GET ${NS2}/${prefix}/metrics`, PUBLIC],
      [`GET ${NS2}/${prefix}/switches`, PUBLIC],
      [`PUT ${NS2}/${prefix}/switches`, ADMIN],
    ]),
  ),
  // Clients (addresses, connections, what they publish and hear): Nacos's `nacos/admin` resource.
  [`GET ${NS2}/client/list`]: ADMIN,
  [`GET ${NS2}/client`]: ADMIN,
  [`GET ${NS2}/client/publish/list`]: ADMIN,
  [`GET ${NS2}/client/subscribe/list`]: ADMIN,
  [`GET ${NS2}/client/service/publisher/list`]: ADMIN,
  [`GET ${NS2}/client/service/subscriber/list`]: ADMIN,
  [`GET /nacos/v2/core/cluster/node/self`]: AUTHENTICATED,
  [`GET /nacos/v2/core/cluster/node/list`]: AUTHENTICATED,
  [`GET /nacos/v2/core/cluster/node/self/health`]: PUBLIC,
  [`GET /nacos/v2/console/namespace/list`]: PUBLIC,
  [`GET /nacos/v2/console/namespace`]: AUTHENTICATED,
  [`POST /nacos/v2/console/namespace`]: ADMIN,
  [`PUT /nacos/v2/console/namespace`]: ADMIN,
  [`DELETE /nacos/v2/console/namespace`]: ADMIN,
  // Prometheus HTTP SD: every namespace's instances, or one namespace's
  [`GET /nacos/prometheus`]: read(() => [ALL_NAMESPACES]),
  [`GET /nacos/prometheus/namespaceId/:namespaceId`]: read(prometheusNamespace),
  [`GET /nacos/prometheus/namespaceId/:namespaceId/service/:service`]: read(prometheusNamespace),
  // Nacos auth: login is public (and rate limited); the rest is user administration
  [`POST /nacos/v1/auth/login`]: PUBLIC,
  [`POST /nacos/v1/auth/users/login`]: PUBLIC,
  [`GET /nacos/v1/auth/users`]: ADMIN,
  [`POST /nacos/v1/auth/users`]: ADMIN,
  [`PUT /nacos/v1/auth/users`]: { kind: 'self', username: (request) => paramsOf(request).get('username') },
  // The caller's own password, proven by the old one (the Nacos console's "change password").
  [`PUT /nacos/v1/auth/users/password`]: AUTHENTICATED,
  [`PUT /nacos/v1/auth/password`]: AUTHENTICATED,
  [`DELETE /nacos/v1/auth/users`]: ADMIN,
  [`GET /nacos/v1/auth/users/search`]: ADMIN,
  [`GET /nacos/v1/auth/roles`]: ADMIN,
  [`POST /nacos/v1/auth/roles`]: ADMIN,
  [`DELETE /nacos/v1/auth/roles`]: ADMIN,
  [`GET /nacos/v1/auth/roles/search`]: ADMIN,
  [`GET /nacos/v1/auth/permissions`]: ADMIN,
  [`POST /nacos/v1/auth/permissions`]: ADMIN,
  [`DELETE /nacos/v1/auth/permissions`]: ADMIN,
  // Native API
  [`GET /api/v1/status`]: AUTHENTICATED,
  [`GET /api/v1/namespaces`]: AUTHENTICATED,
  [`GET /api/v1/overview`]: AUTHENTICATED,
  [`GET /api/v1/audit`]: ADMIN,
  [`POST /api/v1/namespaces`]: ADMIN,
  [`PUT /api/v1/namespaces/:namespaceId`]: ADMIN,
  [`DELETE /api/v1/namespaces/:namespaceId`]: ADMIN,
  [`GET /api/v1/namespaces/:namespaceId/services`]: read(apiNamespace),
  [`GET /api/v1/namespaces/:namespaceId/groups`]: read(apiNamespace),
  [`POST /api/v1/namespaces/:namespaceId/services`]: write(apiNewService),
  [`GET ${SERVICE_PATH}`]: read(apiService),
  [`PUT ${SERVICE_PATH}`]: write(apiService),
  [`DELETE ${SERVICE_PATH}`]: write(apiService),
  [`PATCH ${SERVICE_PATH}/instances`]: write(apiService),
  [`PATCH ${SERVICE_PATH}/instances/:clusterName/:ip/:port`]: write(apiService),
  [`PUT ${SERVICE_PATH}/clusters/:clusterName`]: write(apiService),
  [`GET ${SERVICE_PATH}/subscribers`]: read(apiService),
  [`GET ${SERVICE_PATH}/health-history`]: read(apiService),
  [`GET /api/v1/watch`]: read(apiWatch),
  [`POST /api/v1/auth/login`]: PUBLIC,
  [`GET /api/v1/auth/mode`]: PUBLIC,
  [`GET /api/v1/auth/me`]: AUTHENTICATED,
  [`GET /api/v1/auth/users`]: ADMIN,
  [`POST /api/v1/auth/users`]: ADMIN,
  [`PUT /api/v1/auth/users/:username/password`]: {
    kind: 'self',
    username: (request) => routeParams(request)['username'],
  },
  [`DELETE /api/v1/auth/users/:username`]: ADMIN,
  [`GET /api/v1/auth/roles`]: ADMIN,
  [`POST /api/v1/auth/roles`]: ADMIN,
  [`DELETE /api/v1/auth/roles/:role`]: ADMIN,
  [`GET /api/v1/auth/permissions`]: ADMIN,
  [`POST /api/v1/auth/permissions`]: ADMIN,
  [`DELETE /api/v1/auth/permissions`]: ADMIN,
};

const GUARDED = /^\/(nacos|api)(\/|$)/;

/** Whether a route pattern belongs to the guarded faces (everything else is static files and probes). */
export function isGuardedPattern(pattern: string): boolean {
  return GUARDED.test(pattern);
}

/**
 * The policy of the route Fastify matched, decided by its registered pattern, never by the raw URL:
 * `/nacos/v1/ns/%69nstance` is judged as the `/nacos/v1/ns/instance` it reaches, and `instance/`,
 * `//instance`, `;jsessionid` or other spellings reach no route at all. Requests that match no
 * route get the not-found answer and touch nothing; routes outside /nacos and /api (the console's
 * static files, /metrics) are public.
 */
export function policyOf(pattern: string | undefined, method: string): RoutePolicy | undefined {
  if (pattern === undefined || !isGuardedPattern(pattern)) return undefined;
  const face: Face = pattern.startsWith('/api') ? 'api' : 'nacos';
  const verb = method === 'HEAD' ? 'GET' : method;
  const access = TABLE[`${verb} ${pattern}`] ?? TABLE[`ALL ${pattern}`];
  return access ? { face, access, classified: true } : { face, access: ADMIN, classified: false };
}

/** Whether `METHOD pattern` has an explicit entry (for the start-up check of every route). */
export function isClassified(pattern: string, method: string): boolean {
  return policyOf(pattern, method)?.classified ?? true;
}
