import type { Instance } from './types.js';

export interface InstanceDiff {
  readonly added: Instance[];
  readonly removed: Instance[];
  /** New versions of instances present before and after whose data changed. */
  readonly modified: Instance[];
  readonly changed: boolean;
}

/** Instances are the same instance when cluster, ip and port match (one ip:port may sit in two clusters). */
export function instanceKey(i: Pick<Instance, 'clusterName' | 'ip' | 'port'>): string {
  return `${i.clusterName}#${i.ip}:${i.port}`;
}

/** What changed between two host lists, as HostReactor's change detection reports it. */
export function diffInstances(previous: readonly Instance[], next: readonly Instance[]): InstanceDiff {
  const before = new Map(previous.map((i) => [instanceKey(i), i]));
  const added: Instance[] = [];
  const modified: Instance[] = [];
  for (const instance of next) {
    const key = instanceKey(instance);
    const old = before.get(key);
    if (!old) added.push(instance);
    else if (!sameInstance(old, instance)) modified.push(instance);
    before.delete(key);
  }
  const removed = [...before.values()];
  return { added, removed, modified, changed: added.length + removed.length + modified.length > 0 };
}

function sameInstance(a: Instance, b: Instance): boolean {
  return (
    a.weight === b.weight &&
    a.healthy === b.healthy &&
    a.enabled === b.enabled &&
    a.ephemeral === b.ephemeral &&
    a.instanceId === b.instanceId &&
    a.serviceName === b.serviceName &&
    sameMetadata(a.metadata, b.metadata)
  );
}

function sameMetadata(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}
