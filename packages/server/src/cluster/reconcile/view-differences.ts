import {
  NO_OVERRIDE,
  sameMetadata,
  sameOverride,
  type Instance,
  type InstanceOverride,
  type Registry,
  type Service,
} from '@beacon/core';
import type { ServiceName } from '../../storage/postgres-store.js';
import { reasonOf } from '../../net/error-reason.js';

/** What bringing a view to its target did: differences fixed, and those the view refused. */
export interface Reconciled {
  readonly fixed: number;
  readonly refused: readonly string[];
}

type Fix = (what: string, work: () => void) => void;
type Removed = (instance: Instance) => void;

/**
 * Brings `view` to `target` (a registry loaded from the engines) through the registry's own
 * mutations, so the view's change listeners (UDP and SSE pushes) hear each difference as a change.
 * Pure: no I/O, synchronous, so nothing else runs on the view meanwhile. Removals go first, so
 * the namespace limits never refuse an addition the target holds; `removed` hears of each instance
 * taken out (a gRPC connection that still holds it must register again). `only` (keys of
 * serviceKeyOf): the target holds just these services (and every namespace and the switches), so
 * only they are compared.
 */
export function bringViewTo(
  view: Registry,
  target: Registry,
  removed: Removed = () => undefined,
  only?: ReadonlySet<string>,
): Reconciled {
  const inScope = (namespaceId: string, serviceName: string) =>
    only === undefined || only.has(serviceKeyOf({ namespaceId, serviceName }));
  let fixed = 0;
  const refused: string[] = [];
  const fix: Fix = (what, work) => {
    try {
      work();
      fixed++;
    } catch (error) {
      refused.push(`${what}: ${reasonOf(error)}`);
    }
  };
  if (!sameValue(view.switches, target.switches)) fix('switches', () => view.updateSwitches({ ...target.switches }));
  reconcileNamespaceRecords(view, target, fix);
  const namespaceIds = new Set([...view.namespaceIds(), ...target.namespaceIds()]);
  for (const namespaceId of namespaceIds) {
    for (const service of [...view.services(namespaceId)]) {
      if (!inScope(namespaceId, service.name)) continue;
      const wanted = target.findService(namespaceId, service.name);
      // A cluster cannot be removed on its own: the service goes, and comes back as the target has it.
      if (wanted === undefined || [...service.clusters.keys()].some((c) => !wanted.clusters.has(c))) {
        const instances = [...service.instances()];
        fix(`delete service ${service.name}`, () => view.deleteService(namespaceId, service.name));
        instances.filter((i) => !view.isAttached(i)).forEach(removed);
      } else {
        removeInstancesBeyond(view, service, wanted, fix, removed);
      }
    }
  }
  for (const namespaceId of namespaceIds) {
    for (const wanted of target.services(namespaceId)) {
      if (inScope(namespaceId, wanted.name)) reconcileService(view, target, wanted, fix);
    }
  }
  return { fixed, refused };
}

function reconcileNamespaceRecords(view: Registry, target: Registry, fix: Fix): void {
  for (const record of view.namespaceRecordList()) {
    if (target.namespaceRecord(record.id) === undefined) {
      fix(`delete namespace ${record.id}`, () => view.deleteNamespace(record.id));
    }
  }
  for (const record of target.namespaceRecordList()) {
    if (!sameValue(view.namespaceRecord(record.id), record)) {
      fix(`namespace ${record.id}`, () => view.putNamespace(record));
    }
  }
}

function removeInstancesBeyond(view: Registry, service: Service, wanted: Service, fix: Fix, removed: Removed): void {
  for (const cluster of service.clusters.values()) {
    const other = wanted.cluster(cluster.name)!;
    for (const ephemeral of [true, false]) {
      for (const instance of [...cluster.instancesOf(ephemeral).values()]) {
        if (!other.instancesOf(ephemeral).has(instance.key)) {
          fix(`remove ${describe(instance)}`, () => view.deregisterInstance({ ...instance.address, ephemeral }));
          if (!view.isAttached(instance)) removed(instance);
        }
      }
    }
  }
}

function reconcileService(view: Registry, target: Registry, wanted: Service, fix: Fix): void {
  const { namespaceId, name } = wanted;
  const cmd = { namespaceId, serviceName: name, ...wanted.settings };
  const service = view.findService(namespaceId, name);
  if (service === undefined) fix(`create service ${name}`, () => view.createService(cmd));
  else if (!sameValue(service.settings, wanted.settings)) fix(`service ${name}`, () => view.updateService(cmd));
  const present = view.findService(namespaceId, name);
  if (present === undefined) return;
  for (const cluster of wanted.clusters.values()) {
    const have = present.cluster(cluster.name);
    if (have === undefined || !sameValue(have.settings, cluster.settings)) {
      fix(`cluster ${cluster.name} of ${name}`, () =>
        view.updateCluster(namespaceId, name, cluster.name, cluster.settings),
      );
    }
  }
  for (const instance of wanted.instances()) reconcileInstance(view, target, instance, fix);
}

function reconcileInstance(view: Registry, target: Registry, wanted: Instance, fix: Fix): void {
  const address = wanted.address;
  const what = describe(wanted);
  const find = () =>
    view
      .findService(address.namespaceId, address.serviceName)
      ?.cluster(address.clusterName)
      ?.instancesOf(wanted.ephemeral)
      .get(wanted.key);
  const present = find();
  if (present === undefined || !sameRegistration(present, wanted)) {
    fix(`register ${what}`, () =>
      view.registerInstance({
        ...address,
        ephemeral: wanted.ephemeral,
        weight: wanted.registeredWeight,
        enabled: wanted.registeredEnabled,
        healthy: wanted.healthy,
        metadata: wanted.registeredMetadata,
        app: wanted.app,
        ...(wanted.connectionId === undefined ? {} : { connectionId: wanted.connectionId }),
      }),
    );
  }
  const instance = find();
  if (instance === undefined) return;
  const want = target.overrideFor(address) ?? NO_OVERRIDE;
  const have = view.overrideFor(address) ?? NO_OVERRIDE;
  if (!sameOverride(want, have)) fix(`overrides of ${what}`, () => setOverride(view, instance, have, want));
  if (instance.healthy !== wanted.healthy) fix(`health of ${what}`, () => view.setHealth(instance, wanted.healthy));
  // Redis's last beat is newer than the view's when beats landed on other nodes: not a change to announce.
  if (wanted.ephemeral) instance.lastBeat = Math.max(instance.lastBeat, wanted.lastBeat);
}

/**
 * The operator's edit that turns the override `have` into `want`. The native edit also keeps the
 * timings in order, which Nacos's faces never did: an override written through them is set the
 * Nacos way instead (the same effective values; only keys equal to the client's are not kept).
 */
function setOverride(view: Registry, instance: Instance, have: InstanceOverride, want: InstanceOverride): void {
  const metadata: Record<string, string | null> = { ...want.metadata };
  for (const key of Object.keys(have.metadata)) if (!(key in want.metadata)) metadata[key] = null;
  try {
    view.editInstance(instance.address, {
      weight: want.weight ?? null,
      enabled: want.enabled ?? null,
      metadata,
    });
  } catch {
    view.patchInstance({
      ...instance.address,
      weight: want.weight ?? instance.registeredWeight,
      enabled: want.enabled ?? instance.registeredEnabled,
      metadata: { ...instance.registeredMetadata, ...want.metadata },
    });
  }
}

function sameRegistration(a: Instance, b: Instance): boolean {
  return (
    a.registeredWeight === b.registeredWeight &&
    a.registeredEnabled === b.registeredEnabled &&
    a.app === b.app &&
    a.connectionId === b.connectionId &&
    sameMetadata(a.registeredMetadata, b.registeredMetadata)
  );
}

/** Deep equality of plain data, whatever the key order (PostgreSQL's jsonb reorders keys). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  // An absent key and a key set to undefined are the same (JSON drops the latter).
  const ak = Object.keys(ra).filter((k) => ra[k] !== undefined);
  if (ak.length !== Object.keys(rb).filter((k) => rb[k] !== undefined).length) return false;
  return ak.every((k) => sameValue(ra[k], rb[k]));
}

/** One string per service, to tell services apart in a set. */
export function serviceKeyOf(s: ServiceName): string {
  return JSON.stringify([s.namespaceId, s.serviceName]);
}

function describe(instance: Instance): string {
  return `${instance.ip}:${instance.port} of ${instance.service.name}`;
}
