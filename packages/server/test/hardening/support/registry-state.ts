import { encodeSegment } from './hostile.js';
import { formOf, type RawHttp } from './raw-http.js';

/** Services the property tests seed and aim most plausible requests at. */
export const SEEDED_SERVICES = [
  { namespaceId: 'public', group: 'DEFAULT_GROUP', name: 'svc-a' },
  { namespaceId: 'ns-a', group: 'grp', name: 'svc-b' },
  { namespaceId: 'public', group: 'DEFAULT_GROUP', name: 'svc-c' },
] as const;

const SEED_REQUESTS: readonly [method: string, path: string, params: Record<string, string>][] = [
  ['POST', '/nacos/v1/console/namespaces', { customNamespaceId: 'ns-a', namespaceName: 'A' }],
  ['POST', '/nacos/v1/ns/service', { serviceName: 'svc-a', protectThreshold: '0.5', metadata: '{"owner":"a"}' }],
  ['POST', '/nacos/v1/ns/service', { serviceName: 'svc-c', protectThreshold: '0', metadata: '{}' }],
  ['POST', '/nacos/v1/ns/instance', { serviceName: 'svc-a', ip: '127.0.0.1', port: '8080', metadata: '{"k":"v"}' }],
  [
    'POST',
    '/nacos/v1/ns/instance',
    { serviceName: 'svc-a', ip: '127.0.0.2', port: '8080', clusterName: 'c1', ephemeral: 'false' },
  ],
  [
    'PUT',
    '/nacos/v1/ns/cluster',
    {
      serviceName: 'svc-a',
      clusterName: 'c2',
      checkPort: '80',
      useInstancePort4Check: 'true',
      healthChecker: '{"type":"NONE"}',
    },
  ],
  ['POST', '/nacos/v1/ns/instance', { serviceName: 'svc-a', ip: '127.0.0.3', port: '9090', clusterName: 'c2' }],
  [
    'POST',
    '/nacos/v1/ns/instance',
    { namespaceId: 'ns-a', serviceName: 'svc-b', groupName: 'grp', ip: '127.0.0.1', port: '8081' },
  ],
];

/** Creates (again) whatever of the seed is missing; every step is an upsert or may fail harmlessly. */
export async function seedRegistry(http: RawHttp): Promise<void> {
  for (const [method, path, params] of SEED_REQUESTS) {
    const res = await http.send({ method, path: `${path}?${formOf(Object.entries(params))}` });
    if (res.status >= 500) throw new Error(`seeding ${method} ${path}: ${res.status} ${res.body}`);
  }
  const override = await http.send({
    method: 'PATCH',
    path: '/api/v1/namespaces/public/services/DEFAULT_GROUP/svc-a/instances/DEFAULT/127.0.0.1/8080',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ metadata: { op: 'set-by-operator' } }),
  });
  if (override.status !== 200) throw new Error(`seeding override: ${override.status} ${override.body}`);
}

export interface RegistryDump {
  status: unknown;
  namespaces: { id: string }[];
  consoleNamespaces: unknown;
  switches: unknown;
  /** Users (with roles and permissions), role bindings and permissions. */
  auth: unknown[];
  /** [namespace id, services]: pairs, not an object, since an id may well be `__proto__`. */
  servicesByNamespace: [string, unknown[]][];
  seeds: Record<string, unknown>;
}

/**
 * A canonical dump of everything a request can change, read through the public faces:
 * registry revision and counts (every registry mutation bumps the revision), namespaces (records
 * and implicit), switches and server status, users, roles and permissions, every namespace's service list with per-service
 * revisions, and the full detail (instances, metadata, overrides, lastBeat) of the seeded services.
 */
export async function dumpRegistry(http: RawHttp): Promise<RegistryDump> {
  const { status, revision, serviceCount, instanceCount } = await http.json<Record<string, unknown>>(
    'GET',
    '/api/v1/status',
  );
  const namespaces = await http.json<{ id: string }[]>('GET', '/api/v1/namespaces');
  const servicesByNamespace: [string, unknown[]][] = [];
  for (const { id } of namespaces) {
    const items: unknown[] = [];
    for (let page = 1; ; page++) {
      const res = await http.json<{ items: unknown[]; total: number }>(
        'GET',
        `/api/v1/namespaces/${encodeSegment(id)}/services?pageSize=500&page=${page}`,
      );
      items.push(...res.items);
      if (items.length >= res.total || res.items.length === 0) break;
    }
    servicesByNamespace.push([id, items]);
  }
  const seeds: Record<string, unknown> = {};
  for (const s of SEEDED_SERVICES) {
    const res = await http.send({
      method: 'GET',
      path: `/api/v1/namespaces/${s.namespaceId}/services/${s.group}/${s.name}`,
    });
    if (res.status !== 200 && res.status !== 404) throw new Error(`dump ${s.name}: ${res.status} ${res.body}`);
    seeds[`${s.namespaceId}/${s.group}@@${s.name}`] = res.status === 200 ? JSON.parse(res.body) : null;
  }
  return {
    status: { status, revision, serviceCount, instanceCount },
    namespaces,
    consoleNamespaces: await http.json('GET', '/nacos/v1/console/namespaces'),
    switches: await http.json('GET', '/nacos/v1/ns/operator/switches'),
    auth: [
      await http.json('GET', '/api/v1/auth/users'),
      await http.json('GET', '/api/v1/auth/roles'),
      await http.json('GET', '/api/v1/auth/permissions'),
    ],
    servicesByNamespace,
    seeds,
  };
}

/** Whether the dump still has every seeded service (requests may delete them; then we seed again). */
export function seedsPresent(dump: RegistryDump): boolean {
  return Object.values(dump.seeds).every((s) => s !== null);
}
