import { MemoryStore, Registry, type ChangeReason } from '@beacon/core';
import { FakeClock, registerCommand } from '@beacon/core/testing';
import { describe, expect, it } from 'vitest';
import { bringViewTo, sameValue } from './view-differences.js';

const WEB = 'DEFAULT_GROUP@@web';
const DB = 'DEFAULT_GROUP@@db';

function registry(): Registry {
  return new Registry({ clock: new FakeClock(1_000), store: new MemoryStore() });
}

/** Both registries get the same history: what every node applied from the stream. */
function common(r: Registry): void {
  r.putNamespace({ id: 'dev', name: 'dev', description: 'development' });
  r.registerInstance(registerCommand({ serviceName: WEB, port: 1 }));
  r.registerInstance(registerCommand({ serviceName: WEB, port: 2, metadata: { zone: 'a' } }));
  r.registerInstance(registerCommand({ serviceName: DB, port: 5432, ephemeral: false }));
}

/** Everything a client or an operator can see of a registry, in a stable order. */
function stateOf(r: Registry): unknown {
  const services = r.namespaceIds().flatMap((ns) =>
    [...r.services(ns)]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({
        ns,
        name: s.name,
        settings: s.settings,
        clusters: [...s.clusters.values()].map((c) => ({ name: c.name, settings: c.settings })),
        instances: [...s.instances()]
          .map((i) => ({
            key: i.key,
            ephemeral: i.ephemeral,
            healthy: i.healthy,
            app: i.app,
            connectionId: i.connectionId,
            timings: i.timings,
            ...r.overrideView(i),
            override: r.overrideFor(i.address) ?? null,
          }))
          .sort((a, b) => a.key.localeCompare(b.key)),
      })),
  );
  const namespaces = r.namespaceRecordList().sort((a, b) => a.id.localeCompare(b.id));
  return { switches: r.switches, namespaces, services };
}

function reasonsOf(view: Registry): ChangeReason[] {
  const reasons: ChangeReason[] = [];
  view.onChange((c) => reasons.push(c.reason));
  return reasons;
}

describe('bringViewTo (a node view reconciled with the engines)', () => {
  it('takes back what the view applied but the engines never took, announcing each change', () => {
    const [view, target] = [registry(), registry()];
    common(view);
    common(target);
    // Applied to the view, then PostgreSQL failed: none of it is in the engines.
    view.createService({
      namespaceId: 'public',
      serviceName: 'DEFAULT_GROUP@@ghost',
      protectThreshold: 0.5,
      metadata: {},
      selector: { type: 'none' },
    });
    view.deleteNamespace('dev');
    view.updateSwitches({ lightBeatEnabled: false });
    view.editInstance({ ...registerCommand({ serviceName: WEB, port: 1 }) }, { weight: 7 });
    view.updateCluster('public', DB, 'DEFAULT', { defaultPort: 9999 });
    const reasons = reasonsOf(view);

    const result = bringViewTo(view, target);

    expect(stateOf(view)).toEqual(stateOf(target));
    expect(result.refused).toEqual([]);
    expect(result.fixed).toBe(5);
    expect(reasons).toEqual(expect.arrayContaining(['service.deleted', 'instance.updated', 'cluster.updated']));
    expect(bringViewTo(view, target)).toEqual({ fixed: 0, refused: [] });
  });

  it('adds what the view missed: services, clusters, instances, overrides, health', () => {
    const [view, target] = [registry(), registry()];
    common(view);
    common(target);
    // Written by other nodes while this one was cut off from the stream.
    target.deleteService('public', WEB);
    target.registerInstance(registerCommand({ serviceName: WEB, port: 3, clusterName: 'east' }));
    target.registerInstance(
      registerCommand({ serviceName: 'DEFAULT_GROUP@@new', port: 4, ephemeral: false, app: 'x' }),
    );
    target.updateCluster('public', 'DEFAULT_GROUP@@new', 'DEFAULT', { defaultCheckPort: 81 });
    target.registerInstance(registerCommand({ serviceName: DB, port: 5432, ephemeral: false, metadata: { v: '2' } }));
    target.editInstance(
      { ...registerCommand({ serviceName: DB, port: 5432 }) },
      { enabled: false, metadata: { tier: 'gold' } },
    );
    target.setHealth(target.findInstance(registerCommand({ serviceName: DB, port: 5432 }))!, false);
    target.putNamespace({ id: 'qa', name: 'qa', description: '' });
    // Held by a gRPC connection on some node: the view must keep who holds it.
    target.registerInstance(registerCommand({ serviceName: DB, port: 6000, connectionId: 'node-a/c1' }));
    const reasons = reasonsOf(view);

    const result = bringViewTo(view, target);

    expect(stateOf(view)).toEqual(stateOf(target));
    expect(result.refused).toEqual([]);
    expect(reasons).toEqual(
      expect.arrayContaining(['service.deleted', 'service.created', 'instance.registered', 'instance.unhealthy']),
    );
    expect(bringViewTo(view, target).fixed).toBe(0);
  });

  it('sets timing overrides written the Nacos way, which the native edit would refuse as out of order', () => {
    const [view, target] = [registry(), registry()];
    common(view);
    common(target);
    // A timeout below the default 5 s interval: Nacos's batch accepts it, the native edit does not.
    target.batchMetadata('public', WEB, 'ephemeral', { 'preserved.heart.beat.timeout': '2000' }, 'merge');

    const result = bringViewTo(view, target);

    expect(result.refused).toEqual([]);
    expect(stateOf(view)).toEqual(stateOf(target));
    expect(view.findInstance(registerCommand({ serviceName: WEB, port: 1 }))!.timings.timeoutMs).toBe(2000);
  });

  it('recreates a service whose view has a cluster the engines do not (a cluster is not removed alone)', () => {
    const [view, target] = [registry(), registry()];
    common(view);
    common(target);
    view.registerInstance(registerCommand({ serviceName: WEB, port: 9, clusterName: 'ghost', ephemeral: false }));
    const removed: string[] = [];

    bringViewTo(view, target, (i) => removed.push(i.key));

    expect(stateOf(view)).toEqual(stateOf(target));
    expect(view.findService('public', WEB)!.cluster('ghost')).toBeUndefined();
    // Each instance taken out is told, also those the service comes back with.
    expect(removed.sort()).toEqual(['10.0.0.1:1', '10.0.0.1:2', '10.0.0.1:9']);
  });
});

describe('sameValue', () => {
  it('compares plain data whatever the key order, and an undefined key as absent', () => {
    expect(sameValue({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(sameValue({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameValue({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameValue({ a: 1 }, { a: '1' })).toBe(false);
  });
});
