import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidParameterError, LimitExceededError, NotFoundError } from './errors.js';
import type { ServiceChange } from './events.js';
import type { Limits } from './limits.js';
import { Registry } from './registry.js';
import { MemoryStore } from './store.js';
import { FakeClock, registerCommand, TEST_SERVICE, testAddress } from './testing/index.js';

const SVC = TEST_SERVICE;

function setup(limits?: Partial<Limits>) {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const registry = new Registry({ clock, store, limits });
  const changes: ServiceChange[] = [];
  registry.onChange((c) => changes.push(c));
  return { clock, store, registry, changes };
}

const cmd = registerCommand;
const address = testAddress;

function service(serviceName = SVC, overrides: { protectThreshold?: number; metadata?: Record<string, string> } = {}) {
  return {
    namespaceId: 'public',
    serviceName,
    protectThreshold: overrides.protectThreshold ?? 0,
    metadata: overrides.metadata ?? {},
    selector: { type: 'none' as const },
  };
}

/** Everything observable about the registry and its store, to prove a refused command changed nothing. */
function snapshot(registry: Registry, store: MemoryStore): string {
  const services = [];
  for (const ns of registry.namespaceIds()) {
    for (const s of registry.services(ns)) {
      services.push({
        ns,
        name: s.name,
        settings: s.settings,
        revision: s.revision,
        clusters: [...s.clusters.values()].map((c) => ({
          name: c.name,
          settings: c.settings,
          instances: [...c.instances()].map((i) => ({
            key: i.key,
            ephemeral: i.ephemeral,
            id: i.instanceId,
            weight: i.weight,
            healthy: i.healthy,
            enabled: i.enabled,
            app: i.app,
            metadata: i.metadata,
            registered: i.registeredMetadata,
            lastBeat: i.lastBeat,
          })),
        })),
      });
    }
  }
  return JSON.stringify({
    services,
    store: store.load(),
    revision: registry.currentRevision,
    instances: registry.instanceCount(),
    serviceCount: registry.serviceCount(),
  });
}

describe('Registry.registerInstance', () => {
  it('creates the service and the cluster, and stamps lastBeat', () => {
    const { registry, clock, store } = setup();
    const instance = registry.registerInstance(cmd({ clusterName: 'C1' }));
    const svc = registry.findService('public', SVC)!;
    expect(svc).toBeDefined();
    expect(svc.groupName).toBe('DEFAULT_GROUP');
    expect(svc.bareName).toBe('demo');
    expect([...svc.clusters.keys()]).toEqual(['C1']);
    expect(svc.cluster('C1')!.settings.healthChecker).toEqual({ type: 'TCP' });
    expect(svc.cluster('C1')!.ephemeral.get('10.0.0.1:8080')).toBe(instance);
    expect(instance.lastBeat).toBe(clock.now());
    expect(instance.registeredAt).toBe(clock.now());
    expect(registry.instanceCount()).toBe(1);
    expect(registry.serviceCount()).toBe(1);
    // the service and cluster are durable; an ephemeral instance is not
    const state = store.load();
    expect(state.services.map((s) => s.name)).toEqual([SVC]);
    expect(state.clusters.map((c) => c.name)).toEqual(['C1']);
    expect(state.instances).toEqual([]);
  });

  it('takes the fields of the command', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(
      cmd({ weight: 2.5, enabled: false, app: 'shop', metadata: { k: 'v' }, healthy: false }),
    );
    expect(instance.weight).toBe(2.5);
    expect(instance.enabled).toBe(false);
    expect(instance.healthy).toBe(false);
    expect(instance.app).toBe('shop');
    expect(instance.metadata).toEqual({ k: 'v' });
    expect(instance.registeredMetadata).toEqual({ k: 'v' });
  });

  it('defaults app to DEFAULT', () => {
    const { registry } = setup();
    expect(registry.registerInstance(cmd()).app).toBe('DEFAULT');
  });

  it('generates the simple instanceId ip#port#cluster#group@@name', () => {
    const { registry } = setup();
    expect(registry.registerInstance(cmd()).instanceId).toBe('10.0.0.1#8080#DEFAULT#DEFAULT_GROUP@@demo');
    expect(registry.registerInstance(cmd({ clusterName: 'C2', ip: '1.1.1.1', port: 1 })).instanceId).toBe(
      '1.1.1.1#1#C2#DEFAULT_GROUP@@demo',
    );
  });

  it('generates snowflake ids as the smallest unused integer', () => {
    const { registry } = setup();
    const snow = { 'preserved.instance.id.generator': 'snowflake' };
    const a = registry.registerInstance(cmd({ port: 1, metadata: snow }));
    const b = registry.registerInstance(cmd({ port: 2, metadata: snow }));
    const plain = registry.registerInstance(cmd({ port: 3 }));
    const c = registry.registerInstance(cmd({ port: 4, metadata: snow }));
    expect([a.instanceId, b.instanceId, plain.instanceId, c.instanceId]).toEqual([
      '0',
      '1',
      '10.0.0.1#3#DEFAULT#DEFAULT_GROUP@@demo',
      '2',
    ]);
    registry.deregisterInstance({ ...address({ port: 1 }), ephemeral: true });
    expect(registry.registerInstance(cmd({ port: 5, metadata: snow })).instanceId).toBe('0');
  });

  it('keeps the instanceId and the instance on re-register, replacing the fields', () => {
    const { registry, clock } = setup();
    const first = registry.registerInstance(cmd({ metadata: { 'preserved.instance.id.generator': 'snowflake' } }));
    clock.advance(1000);
    const second = registry.registerInstance(cmd({ weight: 3, metadata: { v: '2' }, app: 'x' }));
    expect(second).toBe(first);
    expect(second.instanceId).toBe('0');
    expect(second.weight).toBe(3);
    expect(second.metadata).toEqual({ v: '2' });
    expect(second.lastBeat).toBe(clock.now());
    expect(registry.instanceCount()).toBe(1);
  });

  it('keeps the health of an unmarked instance on re-register', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(cmd());
    registry.setHealth(instance, false);
    registry.registerInstance(cmd({ healthy: true }));
    expect(instance.healthy).toBe(false);

    const other = registry.registerInstance(cmd({ port: 9 }));
    registry.registerInstance(cmd({ port: 9, healthy: false }));
    expect(other.healthy).toBe(true);
  });

  it('lets a marked instance take the health it is given', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(cmd());
    instance.marked = true;
    registry.registerInstance(cmd({ healthy: false }));
    expect(instance.healthy).toBe(false);
  });

  it('keeps ephemeral and persistent instances with the same ip:port apart', () => {
    const { registry, store } = setup();
    const eph = registry.registerInstance(cmd({ ephemeral: true }));
    const per = registry.registerInstance(cmd({ ephemeral: false }));
    expect(per).not.toBe(eph);
    const cluster = registry.findService('public', SVC)!.cluster('DEFAULT')!;
    expect(cluster.ephemeral.get('10.0.0.1:8080')).toBe(eph);
    expect(cluster.persistent.get('10.0.0.1:8080')).toBe(per);
    expect(cluster.size).toBe(2);
    expect(registry.instanceCount()).toBe(2);
    expect(store.load().instances).toHaveLength(1);
    expect(store.load().instances[0]).toMatchObject({ ip: '10.0.0.1', port: 8080, healthy: true });
  });

  it('treats the same ip:port in another cluster as another instance', () => {
    const { registry } = setup();
    const a = registry.registerInstance(cmd({ clusterName: 'A' }));
    const b = registry.registerInstance(cmd({ clusterName: 'B' }));
    expect(b).not.toBe(a);
    expect(a.instanceId).toBe('10.0.0.1#8080#A#DEFAULT_GROUP@@demo');
    expect(b.instanceId).toBe('10.0.0.1#8080#B#DEFAULT_GROUP@@demo');
    expect(registry.instanceCount()).toBe(2);
  });

  it('keeps namespaces apart', () => {
    const { registry } = setup();
    registry.registerInstance(cmd());
    registry.registerInstance(cmd({ namespaceId: 'dev' }));
    expect(registry.findService('dev', SVC)).not.toBe(registry.findService('public', SVC));
    expect(registry.instanceCount()).toBe(2);
    expect(registry.namespaceIds().sort()).toEqual(['dev', 'public']);
    expect([...registry.services('nope')]).toEqual([]);
  });

  it.each([-0.01, 10000.01, Number.NaN, Number.POSITIVE_INFINITY])('refuses weight %d', (weight) => {
    const { registry } = setup();
    expect(() => registry.registerInstance(cmd({ weight }))).toThrow(
      new InvalidParameterError('instance format invalid: The weights range from 0.0 to 10000.0'),
    );
    expect(registry.serviceCount()).toBe(0);
  });

  it.each([-1, 65536, 70000, 1.5])('refuses port %d with Nacos 2.x text, and creates nothing', (port) => {
    const { registry } = setup();
    expect(() => registry.registerInstance(cmd({ port }))).toThrow(
      new InvalidParameterError("Param 'port' is illegal, the value should be between 0 and 65535."),
    );
    expect(registry.serviceCount()).toBe(0);
  });

  it('accepts the port bounds 0 and 65535', () => {
    const { registry } = setup();
    expect(registry.registerInstance(cmd({ port: 0 })).port).toBe(0);
    expect(registry.registerInstance(cmd({ port: 65535 })).port).toBe(65535);
  });

  it('accepts the weight bounds 0 and 10000', () => {
    const { registry } = setup();
    expect(registry.registerInstance(cmd({ port: 1, weight: 0 })).weight).toBe(0);
    expect(registry.registerInstance(cmd({ port: 2, weight: 10000 })).weight).toBe(10000);
  });

  it('accepts any ip string: an address or a host name', () => {
    const { registry } = setup();
    expect(registry.registerInstance(cmd({ ip: 'my-host.local' })).ip).toBe('my-host.local');
  });

  it('refuses bad service, group and cluster names with the Nacos messages', () => {
    const { registry } = setup();
    expect(() => registry.registerInstance(cmd({ serviceName: 'DEFAULT_GROUP@@a b' }))).toThrow(
      'dom name can only have these characters: 0-9a-zA-Z-._:, current: DEFAULT_GROUP@@a b',
    );
    expect(() => registry.registerInstance(cmd({ serviceName: '@@demo' }))).toThrow(
      "Param 'serviceName' is illegal, groupName can't be empty",
    );
    expect(() => registry.registerInstance(cmd({ serviceName: 'grp@@' }))).toThrow(
      "Param 'serviceName' is illegal, it should be format as 'groupName@@serviceName'",
    );
    expect(() => registry.registerInstance(cmd({ clusterName: 'a.b' }))).toThrow(
      "Param 'cluster' is illegal, illegal characters should not appear in the param.",
    );
    expect(registry.serviceCount()).toBe(0);
  });
});

describe('Registry.deregisterInstance', () => {
  it('removes the instance and keeps the (now empty) service', () => {
    const { registry } = setup();
    registry.registerInstance(cmd());
    expect(registry.deregisterInstance({ ...address(), ephemeral: true })).toBe(true);
    expect(registry.findInstance(testAddress())).toBeUndefined();
    expect(registry.instanceCount()).toBe(0);
    expect(registry.findService('public', SVC)).toBeDefined();
  });

  it('succeeds when the service, the cluster or the instance is missing', () => {
    const { registry, changes } = setup();
    expect(registry.deregisterInstance({ ...address(), ephemeral: true })).toBe(false);
    registry.registerInstance(cmd());
    changes.length = 0;
    expect(registry.deregisterInstance({ ...address({ clusterName: 'OTHER' }), ephemeral: true })).toBe(false);
    expect(registry.deregisterInstance({ ...address({ port: 1 }), ephemeral: true })).toBe(false);
    expect(registry.deregisterInstance({ ...address({ namespaceId: 'dev' }), ephemeral: true })).toBe(false);
    expect(changes).toEqual([]);
    expect(registry.instanceCount()).toBe(1);
  });

  it('needs the ephemeral flag to match the stored instance', () => {
    const { registry, store } = setup();
    registry.registerInstance(cmd({ ephemeral: false }));
    expect(registry.deregisterInstance({ ...address(), ephemeral: true })).toBe(false);
    expect(registry.instanceCount()).toBe(1);
    expect(registry.deregisterInstance({ ...address(), ephemeral: false })).toBe(true);
    expect(registry.instanceCount()).toBe(0);
    expect(store.load().instances).toEqual([]);
  });
});

describe('Registry.updateInstance', () => {
  it('strict: refuses a missing service with the Nacos message', () => {
    const { registry } = setup();
    expect(() => registry.updateInstance(cmd(), true)).toThrow(
      new InvalidParameterError('service not found, namespace: public, service: DEFAULT_GROUP@@demo'),
    );
    expect(registry.serviceCount()).toBe(0);
  });

  it('strict: refuses a missing instance with the Nacos message', () => {
    const { registry } = setup();
    registry.registerInstance(cmd({ port: 1 }));
    expect(() => registry.updateInstance(cmd(), true)).toThrow(
      new InvalidParameterError(
        "instance not exist: Instance{ip='10.0.0.1', port=8080, clusterName='DEFAULT', ephemeral=true, serviceName='DEFAULT_GROUP@@demo'}",
      ),
    );
    expect(registry.instanceCount()).toBe(1);
  });

  it('strict: updates an existing instance', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(cmd());
    const updated = registry.updateInstance(cmd({ weight: 7, enabled: false, app: 'a' }), true);
    expect(updated).toBe(instance);
    expect(instance.weight).toBe(7);
    expect(instance.enabled).toBe(false);
    expect(instance.app).toBe('a');
  });

  it('update does not set the health of an unmarked instance', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(cmd());
    registry.updateInstance(cmd({ healthy: false }), true);
    expect(instance.healthy).toBe(true);
  });

  it('upsert: registers a missing instance and service', () => {
    const { registry, changes } = setup();
    const instance = registry.updateInstance(cmd(), false);
    expect(registry.findInstance(testAddress())).toBe(instance);
    expect(instance.instanceId).toBe('10.0.0.1#8080#DEFAULT#DEFAULT_GROUP@@demo');
    expect(changes.map((c) => c.reason)).toEqual(['instance.registered']);
  });

  it('upsert: updates an existing instance', () => {
    const { registry, changes } = setup();
    const instance = registry.registerInstance(cmd());
    changes.length = 0;
    expect(registry.updateInstance(cmd({ weight: 5 }), false)).toBe(instance);
    expect(instance.weight).toBe(5);
    expect(changes.map((c) => c.reason)).toEqual(['instance.updated']);
  });

  it('refuses a bad weight before anything', () => {
    const { registry } = setup();
    registry.registerInstance(cmd());
    expect(() => registry.updateInstance(cmd({ weight: 10001 }), false)).toThrow(
      'instance format invalid: The weights range from 0.0 to 10000.0',
    );
  });
});

describe('Registry.patchInstance', () => {
  it('changes only the given fields and sets lastBeat', () => {
    const { registry, clock } = setup();
    const instance = registry.registerInstance(cmd({ weight: 2, app: 'a', metadata: { k: 'v' } }));
    clock.advance(500);
    registry.patchInstance({
      namespaceId: 'public',
      serviceName: SVC,
      clusterName: 'DEFAULT',
      ip: '10.0.0.1',
      port: 8080,
      weight: 4,
    });
    expect(instance.weight).toBe(4);
    expect(instance.app).toBe('a');
    expect(instance.enabled).toBe(true);
    expect(instance.healthy).toBe(true);
    expect(instance.metadata).toEqual({ k: 'v' });
    expect(instance.lastBeat).toBe(clock.now());

    registry.patchInstance({ ...address(), enabled: false, healthy: false, app: 'b', metadata: { x: 'y' } });
    expect(instance.weight).toBe(4);
    expect(instance.enabled).toBe(false);
    expect(instance.healthy).toBe(false);
    expect(instance.app).toBe('b');
    expect(instance.metadata).toEqual({ x: 'y' });
  });

  it('finds persistent instances too and persists them', () => {
    const { registry, store } = setup();
    registry.registerInstance(cmd({ ephemeral: false }));
    registry.patchInstance({ ...address(), weight: 9 });
    // the client's weight is stored as registered, the operator's 9 as an override beside it
    expect(store.load().instances[0]!.weight).toBe(1);
    expect(store.load().overrides[0]).toMatchObject({ weight: 9 });
  });

  it('refuses a missing instance with "instance not found"', () => {
    const { registry } = setup();
    expect(() => registry.patchInstance({ ...address(), weight: 1 })).toThrow(
      new InvalidParameterError('instance not found'),
    );
    registry.registerInstance(cmd());
    expect(() => registry.patchInstance({ ...address({ clusterName: 'X' }), weight: 1 })).toThrow('instance not found');
    expect(() => registry.patchInstance({ ...address({ port: 1 }), weight: 1 })).toThrow('instance not found');
  });

  it('refuses a bad weight', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(cmd());
    expect(() => registry.patchInstance({ ...address(), weight: -1 })).toThrow(
      'instance format invalid: The weights range from 0.0 to 10000.0',
    );
    expect(instance.weight).toBe(1);
  });
});

describe('operator metadata overrides', () => {
  const CLIENT = { version: '1', zone: 'a' };

  it('update: keys that differ from what the client registered become overrides', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(cmd({ metadata: CLIENT }));
    registry.updateInstance(cmd({ metadata: { version: '1', zone: 'b', extra: 'x' } }), true);
    expect(instance.metadata).toEqual({ version: '1', zone: 'b', extra: 'x' });
    expect(instance.registeredMetadata).toEqual(CLIENT);
    expect(registry.overrideFor(address())?.metadata).toEqual({ zone: 'b', extra: 'x' });
  });

  it('an override survives re-registration with the original client metadata', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(cmd({ metadata: CLIENT }));
    registry.updateInstance(cmd({ metadata: { ...CLIENT, zone: 'b' } }), true);
    registry.registerInstance(cmd({ metadata: CLIENT }));
    expect(instance.metadata).toEqual({ version: '1', zone: 'b' });
    // a client-side change to another key still lands
    registry.registerInstance(cmd({ metadata: { version: '2', zone: 'a' } }));
    expect(instance.metadata).toEqual({ version: '2', zone: 'b' });
  });

  it('an override survives the instance being deregistered and registered again', () => {
    const { registry } = setup();
    registry.registerInstance(cmd({ metadata: CLIENT }));
    registry.patchInstance({ ...address(), metadata: { ...CLIENT, zone: 'c' } });
    registry.deregisterInstance({ ...address(), ephemeral: true });
    expect(registry.registerInstance(cmd({ metadata: CLIENT })).metadata).toEqual({ version: '1', zone: 'c' });
  });

  it('an override survives a restart (new Registry over the same store)', () => {
    const { registry, store, clock } = setup();
    registry.registerInstance(cmd({ metadata: CLIENT }));
    registry.patchInstance({ ...address(), metadata: { ...CLIENT, zone: 'b' } });
    registry.registerInstance(cmd({ ephemeral: false, port: 9090, metadata: CLIENT }));
    registry.updateInstance(cmd({ ephemeral: false, port: 9090, metadata: { ...CLIENT, version: '9' } }), true);

    const restarted = new Registry({ clock, store: store });
    expect(restarted.overrideFor(address())?.metadata).toEqual({ zone: 'b' });
    // the persistent instance comes back with its override applied
    const persistent = restarted.findInstance(testAddress({ port: 9090 }))!;
    expect(persistent.ephemeral).toBe(false);
    expect(persistent.metadata).toEqual({ version: '9', zone: 'a' });
    expect(persistent.registeredMetadata).toEqual(CLIENT);
    // the ephemeral one is gone until the client registers again
    expect(restarted.findInstance(testAddress())).toBeUndefined();
    expect(restarted.registerInstance(cmd({ metadata: CLIENT })).metadata).toEqual({ version: '1', zone: 'b' });
  });

  it('an edit back to the registered value drops the override', () => {
    const { registry, store } = setup();
    registry.registerInstance(cmd({ metadata: CLIENT }));
    registry.updateInstance(cmd({ metadata: { ...CLIENT, zone: 'b' } }), true);
    expect(store.load().overrides).toHaveLength(1);
    registry.updateInstance(cmd({ metadata: CLIENT }), true);
    expect(registry.overrideFor(address())).toBeUndefined();
    expect(store.load().overrides).toEqual([]);
  });

  it('editInstanceMetadata merges changes and null removes an override', () => {
    const { registry, store } = setup();
    const instance = registry.registerInstance(cmd({ metadata: CLIENT }));
    registry.editInstanceMetadata(address(), { zone: 'b', extra: 'x' });
    expect(instance.metadata).toEqual({ version: '1', zone: 'b', extra: 'x' });
    expect(registry.overrideFor(address())?.metadata).toEqual({ zone: 'b', extra: 'x' });

    registry.editInstanceMetadata(address(), { zone: null });
    expect(instance.metadata).toEqual({ version: '1', zone: 'a', extra: 'x' });
    expect(registry.overrideFor(address())?.metadata).toEqual({ extra: 'x' });

    registry.editInstanceMetadata(address(), { extra: null });
    expect(instance.metadata).toEqual(CLIENT);
    expect(registry.overrideFor(address())).toBeUndefined();
    expect(store.load().overrides).toEqual([]);

    // the removal sticks across re-registration
    registry.registerInstance(cmd({ metadata: CLIENT }));
    expect(instance.metadata).toEqual(CLIENT);
  });

  it('editInstanceMetadata refuses a missing instance', () => {
    const { registry } = setup();
    expect(() => registry.editInstanceMetadata(address(), { a: '1' })).toThrow(
      new NotFoundError('instance 10.0.0.1:8080 not found'),
    );
  });

  it('timings follow the effective metadata, overrides included', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(cmd({ metadata: { 'preserved.heart.beat.interval': '2000' } }));
    expect(instance.timings.intervalFromMetadata).toBe(2000);
    registry.editInstanceMetadata(address(), { 'preserved.heart.beat.interval': '1000' });
    expect(instance.timings.intervalFromMetadata).toBe(1000);
    registry.registerInstance(cmd({ metadata: { 'preserved.heart.beat.interval': '2000' } }));
    expect(instance.timings.intervalFromMetadata).toBe(1000);
    registry.editInstanceMetadata(address(), { 'preserved.heart.beat.interval': null });
    expect(instance.timings.intervalFromMetadata).toBe(2000);
  });

  it('deleting the service drops its overrides', () => {
    const { registry, store } = setup();
    registry.registerInstance(cmd({ metadata: CLIENT }));
    registry.editInstanceMetadata(address(), { zone: 'z' });
    registry.deleteService('public', SVC);
    expect(registry.overrideFor(address())).toBeUndefined();
    expect(store.load().overrides).toEqual([]);
    expect(registry.registerInstance(cmd({ metadata: CLIENT })).metadata).toEqual(CLIENT);
  });
});

describe('services and clusters', () => {
  it('createService refuses a duplicate with a ConflictError', () => {
    const { registry } = setup();
    registry.createService(service());
    expect(() => registry.createService(service())).toThrow(
      new ConflictError('specified service already exists, serviceName : DEFAULT_GROUP@@demo'),
    );
  });

  it('createService checks name format and characters', () => {
    const { registry } = setup();
    expect(() => registry.createService(service('demo'))).toThrow(
      "Param 'serviceName' is illegal, it should be format as 'groupName@@serviceName'",
    );
    expect(() => registry.createService(service('g@@a!'))).toThrow(
      'dom name can only have these characters: 0-9a-zA-Z-._:, current: g@@a!',
    );
  });

  it('updateService replaces the settings; a missing service is refused', () => {
    const { registry } = setup();
    expect(() => registry.updateService(service())).toThrow(
      new InvalidParameterError('service DEFAULT_GROUP@@demo not found!'),
    );
    registry.createService(service(SVC, { protectThreshold: 0.5, metadata: { a: '1' } }));
    const updated = registry.updateService(service(SVC, { protectThreshold: 0.2 }));
    expect(updated.settings.protectThreshold).toBe(0.2);
    expect(updated.settings.metadata).toEqual({});
  });

  it('deleteService removes instances and the durable records', () => {
    const { registry, store } = setup();
    registry.registerInstance(cmd({ ephemeral: false }));
    registry.registerInstance(cmd());
    registry.deleteService('public', SVC);
    expect(registry.findService('public', SVC)).toBeUndefined();
    expect(registry.instanceCount()).toBe(0);
    expect(store.load()).toMatchObject({ services: [], clusters: [], instances: [] });
    expect(() => registry.deleteService('public', SVC)).toThrow(
      new InvalidParameterError('specified service not exist, serviceName : DEFAULT_GROUP@@demo'),
    );
  });

  it('getService and getInstance give the Nacos 404 messages', () => {
    const { registry } = setup();
    expect(() => registry.getService('public', SVC)).toThrow(
      new NotFoundError('service DEFAULT_GROUP@@demo is not found!'),
    );
    expect(() => registry.getInstance(testAddress())).toThrow(
      new NotFoundError('no service DEFAULT_GROUP@@demo found!'),
    );
    registry.createService(service());
    expect(() => registry.getInstance(testAddress())).toThrow(
      new NotFoundError('no ips found for cluster DEFAULT in service DEFAULT_GROUP@@demo'),
    );
    registry.registerInstance(cmd());
    expect(() => registry.getInstance(testAddress({ port: 1 }))).toThrow(new NotFoundError('no matched ip found!'));
    expect(registry.getInstance(testAddress()).port).toBe(8080);
  });

  it('updateCluster creates the cluster when missing and keeps unpatched settings', () => {
    const { registry, store } = setup();
    expect(() => registry.updateCluster('public', SVC, 'C1', {})).toThrow(
      new InvalidParameterError('service not found:DEFAULT_GROUP@@demo'),
    );
    registry.createService(service());
    const cluster = registry.updateCluster('public', SVC, 'C1', {
      healthChecker: { type: 'NONE' },
      defaultCheckPort: 81,
    });
    expect(cluster.settings).toMatchObject({
      healthChecker: { type: 'NONE' },
      defaultCheckPort: 81,
      defaultPort: 80,
      useIPPort4Check: true,
    });
    registry.updateCluster('public', SVC, 'C1', { useIPPort4Check: false });
    expect(cluster.settings).toMatchObject({ healthChecker: { type: 'NONE' }, useIPPort4Check: false });
    expect(store.load().clusters[0]!.settings.useIPPort4Check).toBe(false);
  });

  it('setHealthManually works only for NONE clusters', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(cmd());
    expect(() => registry.setHealthManually(testAddress(), false)).toThrow(
      new InvalidParameterError('health check is still working, service: DEFAULT_GROUP@@demo'),
    );
    expect(instance.healthy).toBe(true);
    registry.updateCluster('public', SVC, 'DEFAULT', { healthChecker: { type: 'NONE' } });
    registry.setHealthManually(testAddress(), false);
    expect(instance.healthy).toBe(false);
  });

  it('setCheckedHealth flips a persistent instance and stores it; refuses ephemeral and unknown ones', () => {
    const { registry, store, changes } = setup();
    const persistent = registry.registerInstance(cmd({ port: 9, ephemeral: false }));
    registry.registerInstance(cmd());
    registry.setCheckedHealth(testAddress({ port: 9 }), false);
    expect(persistent.healthy).toBe(false);
    expect(store.load().instances[0]!.healthy).toBe(false);
    expect(changes.at(-1)!.reason).toBe('instance.unhealthy');
    const before = snapshot(registry, store);
    expect(() => registry.setCheckedHealth(testAddress(), false)).toThrow(NotFoundError);
    expect(() => registry.setCheckedHealth(testAddress({ port: 10 }), false)).toThrow(NotFoundError);
    expect(snapshot(registry, store)).toBe(before);
  });

  it('batchMetadata merges and removes keys and answers datum keys', () => {
    const { registry } = setup();
    const a = registry.registerInstance(cmd({ metadata: { k: '1', keep: 'y' } }));
    const p = registry.registerInstance(cmd({ port: 9, ephemeral: false }));
    expect(registry.batchMetadata('public', SVC, 'ephemeral', { k: '2', n: 'x' }, 'merge')).toEqual([
      '10.0.0.1:8080:unknown:DEFAULT:ephemeral',
    ]);
    expect(a.metadata).toEqual({ k: '2', keep: 'y', n: 'x' });
    expect(p.metadata).toEqual({});
    expect(
      registry.batchMetadata(
        'public',
        SVC,
        [{ ip: '10.0.0.1', port: 9, ephemeral: false, clusterName: 'DEFAULT' }],
        { z: '1' },
        'merge',
      ),
    ).toEqual(['10.0.0.1:9:unknown:DEFAULT:persist']);
    expect(p.metadata).toEqual({ z: '1' });
    registry.batchMetadata('public', SVC, 'ephemeral', { n: '' }, 'remove');
    expect(a.metadata).toEqual({ k: '2', keep: 'y' });
  });
});

describe('revisions and change events', () => {
  it('every mutation emits exactly one change with a strictly increasing revision', () => {
    const { registry, changes } = setup();
    const steps: [string, () => void][] = [
      ['service.created', () => registry.createService(service())],
      ['service.updated', () => registry.updateService(service(SVC, { protectThreshold: 0.1 }))],
      ['cluster.updated', () => registry.updateCluster('public', SVC, 'DEFAULT', { healthChecker: { type: 'NONE' } })],
      ['instance.registered', () => registry.registerInstance(cmd())],
      ['instance.registered', () => registry.registerInstance(cmd({ weight: 2 }))],
      ['instance.registered', () => registry.registerInstance(cmd({ port: 2, ephemeral: false }))],
      ['instance.updated', () => registry.updateInstance(cmd({ weight: 3 }), true)],
      ['instance.updated', () => registry.patchInstance({ ...address(), weight: 4 })],
      ['instance.updated', () => registry.editInstanceMetadata(address(), { a: 'b' })],
      ['instance.unhealthy', () => registry.setHealthManually(testAddress(), false)],
      ['instance.healthy', () => registry.setHealth(registry.findInstance(testAddress())!, true)],
      ['instance.updated', () => registry.batchMetadata('public', SVC, 'ephemeral', { x: 'y' }, 'merge')],
      ['instance.deregistered', () => registry.deregisterInstance({ ...address({ port: 2 }), ephemeral: false })],
      ['instance.expired', () => registry.expireInstance(registry.findInstance(testAddress())!)],
      ['service.deleted', () => registry.deleteService('public', SVC)],
    ];
    let last = registry.currentRevision;
    for (const [reason, step] of steps) {
      const before = changes.length;
      step();
      expect(changes.length - before, reason).toBe(1);
      const change = changes.at(-1)!;
      expect(change.reason).toBe(reason);
      expect(change.revision).toBeGreaterThan(last);
      expect(change.revision).toBe(registry.currentRevision);
      expect(change.service.revision).toBe(change.revision);
      expect(change.service.name).toBe(SVC);
      last = change.revision;
    }
  });

  it('instance changes carry the ip:port and the clock time', () => {
    const { registry, changes, clock } = setup();
    clock.advance(42);
    registry.registerInstance(cmd());
    expect(changes[0]).toMatchObject({ instance: '10.0.0.1:8080', at: clock.now() });
    expect(changes[0]!.service.changedAt).toBe(clock.now());
  });

  it('no-op health changes emit nothing', () => {
    const { registry, changes } = setup();
    const instance = registry.registerInstance(cmd());
    changes.length = 0;
    registry.setHealth(instance, true);
    registry.updateCluster('public', SVC, 'DEFAULT', { healthChecker: { type: 'NONE' } });
    changes.length = 0;
    registry.setHealthManually(testAddress(), true);
    registry.setHealthManually(testAddress({ ip: '10.0.0.9', port: 1 }), false);
    registry.batchMetadata('public', SVC, 'persist', { a: '1' }, 'merge');
    expect(changes).toEqual([]);
  });

  it('failed and refused commands emit nothing and change nothing', () => {
    const { registry, changes, store } = setup({ maxMetadataBytes: 64 });
    registry.registerInstance(cmd({ metadata: { k: 'v' } }));
    registry.registerInstance(cmd({ port: 2, ephemeral: false }));
    changes.length = 0;
    const before = snapshot(registry, store);
    const big = { big: 'x'.repeat(100) };
    const refused: [string, () => unknown][] = [
      ['bad weight', () => registry.registerInstance(cmd({ weight: -1 }))],
      ['bad cluster', () => registry.registerInstance(cmd({ clusterName: 'a.b' }))],
      ['bad service chars', () => registry.registerInstance(cmd({ serviceName: 'g@@a b' }))],
      ['bad group format', () => registry.registerInstance(cmd({ serviceName: '@@demo' }))],
      ['metadata too big (register)', () => registry.registerInstance(cmd({ metadata: big }))],
      [
        'metadata too big (new service)',
        () => registry.registerInstance(cmd({ serviceName: 'g@@new', metadata: big })),
      ],
      ['strict update, missing service', () => registry.updateInstance(cmd({ serviceName: 'g@@none' }), true)],
      ['strict update, missing instance', () => registry.updateInstance(cmd({ port: 3 }), true)],
      ['update, bad weight', () => registry.updateInstance(cmd({ weight: 20000 }), false)],
      ['update, metadata too big', () => registry.updateInstance(cmd({ metadata: big }), false)],
      ['patch, missing', () => registry.patchInstance({ ...address({ port: 3 }), weight: 1 })],
      ['patch, bad weight', () => registry.patchInstance({ ...address(), weight: -5 })],
      ['patch, metadata too big', () => registry.patchInstance({ ...address(), metadata: big })],
      ['edit, missing', () => registry.editInstanceMetadata(address({ port: 3 }), { a: '1' })],
      ['edit, metadata too big', () => registry.editInstanceMetadata(address(), big)],
      ['create existing service', () => registry.createService(service())],
      ['create service, metadata too big', () => registry.createService(service('g@@x', { metadata: big }))],
      ['update missing service', () => registry.updateService(service('g@@none'))],
      ['update service, metadata too big', () => registry.updateService(service(SVC, { metadata: big }))],
      ['delete missing service', () => registry.deleteService('public', 'g@@none')],
      ['cluster of missing service', () => registry.updateCluster('public', 'g@@none', 'C', {})],
      ['cluster bad name', () => registry.updateCluster('public', SVC, 'a.b', {})],
      ['manual health with TCP checker', () => registry.setHealthManually(testAddress(), false)],
      ['batch on missing service', () => registry.batchMetadata('public', 'g@@none', 'ephemeral', { a: '1' }, 'merge')],
      ['get missing service', () => registry.getService('public', 'g@@none')],
    ];
    for (const [name, attempt] of refused) {
      expect(attempt, name).toThrow();
      expect(changes, name).toEqual([]);
      expect(snapshot(registry, store), name).toBe(before);
    }
    // deregistering nothing is not an error, but is not a change either
    expect(registry.deregisterInstance({ ...address({ port: 3 }), ephemeral: true })).toBe(false);
    expect(changes).toEqual([]);
    expect(snapshot(registry, store)).toBe(before);
  });

  it('a throwing listener is reported and breaks neither the mutation nor other listeners', () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const registry = new Registry({ clock, store: new MemoryStore(), reportError: (e) => errors.push(e) });
    const boom = new Error('listener failed');
    registry.onChange(() => {
      throw boom;
    });
    const seen: number[] = [];
    registry.onChange((c) => seen.push(c.revision));
    const instance = registry.registerInstance(cmd());
    expect(registry.findInstance(testAddress())).toBe(instance);
    expect(errors).toEqual([boom]);
    expect(seen).toEqual([registry.currentRevision]);
  });

  it('unsubscribing stops the events', () => {
    const { registry } = setup();
    const seen: string[] = [];
    const off = registry.onChange((c) => seen.push(c.reason));
    registry.registerInstance(cmd());
    off();
    off();
    registry.registerInstance(cmd({ port: 1 }));
    expect(seen).toEqual(['instance.registered']);
  });
});

describe('limits', () => {
  it('maxServicesPerNamespace refuses a new service, by create or by register', () => {
    const { registry, store, changes } = setup({ maxServicesPerNamespace: 2 });
    registry.createService(service('g@@a'));
    registry.registerInstance(cmd({ serviceName: 'g@@b' }));
    changes.length = 0;
    const before = snapshot(registry, store);
    expect(() => registry.createService(service('g@@c'))).toThrow(LimitExceededError);
    expect(() => registry.registerInstance(cmd({ serviceName: 'g@@c' }))).toThrow(
      new LimitExceededError('too many services in namespace public: the limit is 2'),
    );
    expect(snapshot(registry, store)).toBe(before);
    expect(changes).toEqual([]);
    // existing services still take instances, and other namespaces have their own budget
    registry.registerInstance(cmd({ serviceName: 'g@@a' }));
    registry.registerInstance(cmd({ serviceName: 'g@@c', namespaceId: 'dev' }));
    expect(registry.serviceCount()).toBe(3);
  });

  it('maxInstancesPerNamespace refuses a new instance but not a re-register', () => {
    const { registry, store, changes } = setup({ maxInstancesPerNamespace: 2 });
    registry.registerInstance(cmd({ port: 1 }));
    registry.registerInstance(cmd({ port: 2, ephemeral: false }));
    changes.length = 0;
    const before = snapshot(registry, store);
    let error: unknown;
    try {
      registry.registerInstance(cmd({ port: 3, serviceName: 'g@@other' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LimitExceededError);
    expect((error as LimitExceededError).kind).toBe('limit');
    expect((error as LimitExceededError).message).toBe('too many instances in namespace public: the limit is 2');
    expect(() => registry.updateInstance(cmd({ port: 3 }), false)).toThrow(LimitExceededError);
    expect(snapshot(registry, store)).toBe(before);
    expect(changes).toEqual([]);

    expect(registry.registerInstance(cmd({ port: 1, weight: 5 })).weight).toBe(5);
    registry.deregisterInstance({ ...address({ port: 1 }), ephemeral: true });
    expect(() => registry.registerInstance(cmd({ port: 3 }))).not.toThrow();
  });

  it('expiry frees instance budget', () => {
    const { registry } = setup({ maxInstancesPerNamespace: 1 });
    const instance = registry.registerInstance(cmd({ port: 1 }));
    registry.expireInstance(instance);
    expect(registry.instanceCount()).toBe(0);
    expect(() => registry.registerInstance(cmd({ port: 2 }))).not.toThrow();
  });

  it('maxMetadataBytes applies to instance and service metadata', () => {
    const { registry } = setup({ maxMetadataBytes: 20 });
    // key (1) + value (13) + 6 = 20 bytes: at the limit
    expect(() => registry.registerInstance(cmd({ metadata: { k: 'x'.repeat(13) } }))).not.toThrow();
    expect(() => registry.registerInstance(cmd({ port: 2, metadata: { k: 'x'.repeat(14) } }))).toThrow(
      new LimitExceededError('metadata too large: 21 bytes, the limit is 20'),
    );
    expect(registry.findInstance(testAddress({ port: 2 }))).toBeUndefined();
    expect(() => registry.createService(service('g@@s', { metadata: { k: 'x'.repeat(14) } }))).toThrow(
      LimitExceededError,
    );
    expect(registry.findService('public', 'g@@s')).toBeUndefined();
  });
});

describe('restart from the store', () => {
  it('restores services, clusters, persistent instances and switches, not ephemeral instances', () => {
    const { registry, store, clock } = setup();
    registry.createService(service(SVC, { protectThreshold: 0.3, metadata: { s: '1' } }));
    registry.updateCluster('public', SVC, 'C1', { healthChecker: { type: 'NONE' } });
    const p = registry.registerInstance(
      cmd({ clusterName: 'C1', ephemeral: false, weight: 3, app: 'a', metadata: { m: '1' } }),
    );
    registry.setHealthManually(testAddress({ clusterName: 'C1' }), false);
    registry.registerInstance(cmd({ port: 1 }));
    registry.updateSwitches({ clientBeatInterval: 7000 });
    registry.putNamespace({ id: 'dev', name: 'Dev', description: 'd' });

    clock.advance(10_000);
    const restarted = new Registry({ clock, store });
    const svc = restarted.findService('public', SVC)!;
    expect(svc.settings).toEqual({ protectThreshold: 0.3, metadata: { s: '1' }, selector: { type: 'none' } });
    expect(svc.cluster('C1')!.settings.healthChecker).toEqual({ type: 'NONE' });
    const q = restarted.findInstance(testAddress({ clusterName: 'C1' }))!;
    expect(q).toMatchObject({
      instanceId: p.instanceId,
      weight: 3,
      healthy: false,
      enabled: true,
      app: 'a',
      ephemeral: false,
      lastBeat: clock.now(),
    });
    expect(q.metadata).toEqual({ m: '1' });
    expect(restarted.findInstance(testAddress({ port: 1 }))).toBeUndefined();
    expect(restarted.instanceCount()).toBe(1);
    expect(restarted.switches.clientBeatInterval).toBe(7000);
    expect(restarted.namespaceRecord('dev')).toEqual({ id: 'dev', name: 'Dev', description: 'd' });
    expect(restarted.namespaceIds().sort()).toEqual(['dev', 'public']);
    // A new run's revisions start above the old run's, so watch clients never resume into a gap.
    expect(restarted.currentRevision).toBeGreaterThan(registry.currentRevision);
  });

  it('deleteNamespace forgets the record', () => {
    const { registry, store } = setup();
    registry.putNamespace({ id: 'dev', name: 'Dev', description: '' });
    registry.deleteNamespace('dev');
    expect(registry.namespaceRecordList()).toEqual([]);
    expect(store.load().namespaces).toEqual([]);
    expect(registry.namespaceIds()).toEqual(['public']);
  });
});

describe('namespaces made by a first service', () => {
  it('a registration into an unknown id makes it a namespace named by its id, kept in the store', () => {
    const { registry, store } = setup();
    registry.registerInstance(cmd({ namespaceId: 'sprang' }));
    const record = { id: 'sprang', name: 'sprang', description: '' };
    expect(registry.namespaceRecord('sprang')).toEqual(record);
    expect(store.load().namespaces).toEqual([record]);
    // a created service does the same; public never gets a record, a named namespace keeps its name
    registry.createService({ ...service('g@@a'), namespaceId: 'made' });
    registry.putNamespace({ id: 'named', name: 'Named', description: 'd' });
    registry.registerInstance(cmd({ namespaceId: 'named' }));
    registry.registerInstance(cmd());
    expect(registry.namespaceRecordList().map((r) => [r.id, r.name])).toEqual([
      ['sprang', 'sprang'],
      ['made', 'made'],
      ['named', 'Named'],
    ]);
    expect(registry.namespaceIds()).toEqual(['public', 'sprang', 'made', 'named']);
  });

  it('a namespace emptied and deleted is gone at once', () => {
    const { registry } = setup();
    registry.registerInstance(cmd({ namespaceId: 'dev' }));
    registry.deleteService('dev', SVC);
    registry.deleteNamespace('dev');
    expect(registry.namespaceIds()).toEqual(['public']);
  });

  it('a refused first registration makes no namespace', () => {
    const { registry, store } = setup({ maxServicesPerNamespace: 0 });
    expect(() => registry.registerInstance(cmd({ namespaceId: 'dev' }))).toThrow(LimitExceededError);
    expect(registry.namespaceIds()).toEqual(['public']);
    expect(store.load().namespaces).toEqual([]);
  });

  it('services stored before namespaces had records still list their namespace after a restart', () => {
    const { clock, store } = setup();
    store.putService({ ...service(), namespaceId: 'old', name: SVC });
    const restarted = new Registry({ clock, store });
    expect(restarted.namespaceRecord('old')).toEqual({ id: 'old', name: 'old', description: '' });
    expect(restarted.namespaceIds()).toEqual(['public', 'old']);
  });
});
