import { instanceKey, type Instance } from '../model/instance.js';
import type { InstanceAddress } from '../model/instance-address.js';
import type { Service } from '../model/service.js';

export class Namespace {
  readonly services = new Map<string, Service>();
  instanceCount = 0;
  constructor(readonly id: string) {}
}

/** The in-memory tree, namespaces -> services (-> clusters -> instances), and its lookups. */
export class NamespaceTree {
  private readonly namespaces = new Map<string, Namespace>();

  get(id: string): Namespace | undefined {
    return this.namespaces.get(id);
  }

  /** The namespace, created on first use (namespaces exist implicitly, as in Nacos). */
  namespace(id: string): Namespace {
    let ns = this.namespaces.get(id);
    if (!ns) {
      ns = new Namespace(id);
      this.namespaces.set(id, ns);
    }
    return ns;
  }

  all(): IterableIterator<Namespace> {
    return this.namespaces.values();
  }

  findService(namespaceId: string, serviceName: string): Service | undefined {
    return this.namespaces.get(namespaceId)?.services.get(serviceName);
  }

  /** The beat path's lookup: no allocation beyond the key string. */
  findInstance(address: InstanceAddress): Instance | undefined {
    return this.findService(address.namespaceId, address.serviceName)
      ?.cluster(address.clusterName)
      ?.find(instanceKey(address.ip, address.port));
  }

  /** The instance of this kind (ephemeral or persistent) at the address. */
  findOfKind(address: InstanceAddress, ephemeral: boolean): Instance | undefined {
    return this.findService(address.namespaceId, address.serviceName)
      ?.cluster(address.clusterName)
      ?.instancesOf(ephemeral)
      .get(instanceKey(address.ip, address.port));
  }

  /** Whether this very object is still the registered instance (not removed, not replaced). */
  isAttached(instance: Instance): boolean {
    return this.findOfKind(instance.address, instance.ephemeral) === instance;
  }

  attach(instance: Instance): void {
    const { cluster } = instance.service.clusterOrCreate(instance.clusterName);
    cluster.instancesOf(instance.ephemeral).set(instance.key, instance);
    this.namespace(instance.service.namespaceId).instanceCount++;
  }

  /** Takes the instance out of its cluster; false when it was not there. */
  detach(instance: Instance): boolean {
    const map = instance.service.cluster(instance.clusterName)?.instancesOf(instance.ephemeral);
    if (map?.get(instance.key) !== instance) return false;
    map.delete(instance.key);
    const ns = this.namespaces.get(instance.service.namespaceId);
    if (ns) ns.instanceCount--;
    return true;
  }
}
