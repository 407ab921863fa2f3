import { Instance } from '../model/instance.js';
import { Service } from '../model/service.js';
import type { NamespaceRecord, StoredState } from '../store.js';
import type { InstanceOverrides } from './instance-overrides.js';
import type { NamespaceTree } from './namespace-tree.js';
import { PUBLIC_NAMESPACE } from '../names.js';

export interface LoadTarget {
  readonly tree: NamespaceTree;
  readonly overrides: InstanceOverrides;
  readonly namespaceRecords: Map<string, NamespaceRecord>;
}

/**
 * Rebuilds memory from what the store kept: namespaces, services, clusters, persistent instances
 * (with their overrides on top). Restored instances count as just beaten, so they get a full
 * timeout before the schedulers judge them; ephemeral instances come back by re-registering.
 */
export function loadStoredState(state: StoredState, into: LoadTarget, now: number): void {
  for (const ns of state.namespaces) into.namespaceRecords.set(ns.id, ns);
  into.overrides.load(state.overrides);
  for (const s of state.services) {
    const service = new Service(s.namespaceId, s.name);
    service.settings = { protectThreshold: s.protectThreshold, metadata: s.metadata, selector: s.selector };
    into.tree.namespace(s.namespaceId).services.set(s.name, service);
    // Services kept from before a first service made its namespace a record: the namespace is listed all the same.
    if (s.namespaceId !== PUBLIC_NAMESPACE && !into.namespaceRecords.has(s.namespaceId)) {
      into.namespaceRecords.set(s.namespaceId, { id: s.namespaceId, name: s.namespaceId, description: '' });
    }
  }
  for (const c of state.clusters) {
    const service = into.tree.findService(c.namespaceId, c.serviceName);
    if (service) service.clusterOrCreate(c.name).cluster.settings = c.settings;
  }
  for (const r of state.instances) {
    const service = into.tree.findService(r.namespaceId, r.serviceName);
    if (!service) continue;
    const instance = new Instance(service, r.ip, r.port, r.clusterName, false);
    Object.assign(instance, {
      instanceId: r.instanceId,
      healthy: r.healthy,
      app: r.app,
      lastBeat: now,
      registeredAt: now,
    });
    into.overrides.applyRegistered(instance, r);
    into.tree.attach(instance);
  }
}
