import { describe, expect, it } from 'vitest';
import { defaultClusterSettings } from './model/cluster.js';
import { addressKey, type InstanceAddress } from './model/instance-address.js';
import { MemoryStore } from './store.js';
import { defaultSwitches } from './switches.js';

const addr = (serviceName: string, port = 1): InstanceAddress => ({
  namespaceId: 'public',
  serviceName,
  clusterName: 'DEFAULT',
  ip: '10.0.0.1',
  port,
});

function fill(store: MemoryStore, serviceName: string) {
  store.putService({
    namespaceId: 'public',
    name: serviceName,
    protectThreshold: 0,
    metadata: {},
    selector: { type: 'none' },
  });
  store.putCluster({ namespaceId: 'public', serviceName, name: 'DEFAULT', settings: defaultClusterSettings() });
  store.putInstance({
    ...addr(serviceName),
    instanceId: 'x',
    weight: 1,
    healthy: true,
    enabled: true,
    app: 'DEFAULT',
    metadata: {},
  });
  store.putOverride({ ...addr(serviceName), metadata: { k: 'v' } });
}

describe('MemoryStore', () => {
  it('starts empty', () => {
    expect(new MemoryStore().load()).toEqual({
      namespaces: [],
      services: [],
      clusters: [],
      instances: [],
      overrides: [],
      switches: undefined,
    });
  });

  it('deleteService cascades to its clusters, instances and overrides only', () => {
    const store = new MemoryStore();
    fill(store, 'g@@a');
    fill(store, 'g@@ab');
    store.deleteService('public', 'g@@a');
    const state = store.load();
    expect(state.services.map((s) => s.name)).toEqual(['g@@ab']);
    expect(state.clusters.map((c) => c.serviceName)).toEqual(['g@@ab']);
    expect(state.instances.map((i) => i.serviceName)).toEqual(['g@@ab']);
    expect(state.overrides.map((o) => o.serviceName)).toEqual(['g@@ab']);
  });

  it('keys instances and overrides by full address', () => {
    const store = new MemoryStore();
    fill(store, 'g@@a');
    store.deleteInstance(addr('g@@a', 2));
    store.deleteOverride(addr('g@@a', 2));
    expect(store.load().instances).toHaveLength(1);
    expect(store.load().overrides).toHaveLength(1);
    store.deleteInstance(addr('g@@a'));
    store.deleteOverride(addr('g@@a'));
    expect(store.load().instances).toEqual([]);
    expect(store.load().overrides).toEqual([]);
    expect(addressKey(addr('g@@a', 1))).not.toBe(addressKey(addr('g@@a', 2)));
  });

  it('stores a copy of the switches and namespaces by id', () => {
    const store = new MemoryStore();
    const switches = defaultSwitches();
    store.putSwitches(switches);
    switches.clientBeatInterval = 1;
    expect(store.load().switches!.clientBeatInterval).toBe(5000);
    store.putNamespace({ id: 'dev', name: 'Dev', description: '' });
    store.putNamespace({ id: 'dev', name: 'Dev 2', description: '' });
    expect(store.load().namespaces).toEqual([{ id: 'dev', name: 'Dev 2', description: '' }]);
    store.deleteNamespace('dev');
    expect(store.load().namespaces).toEqual([]);
  });

  it('transaction returns the result of its work', () => {
    expect(new MemoryStore().transaction(() => 42)).toBe(42);
  });
});
