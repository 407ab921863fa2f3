import { ConflictError, InvalidParameterError, LimitExceededError, NotFoundError } from '../errors.js';
import { checkNameLengths } from '../name-lengths.js';
import { EMPTY_METADATA } from '../metadata.js';
import { defaultClusterSettings, type Cluster, type ClusterSettings } from '../model/cluster.js';
import type { Instance } from '../model/instance.js';
import { NO_SELECTOR, Service, type ServiceSettings } from '../model/service.js';
import { checkClusterName, checkGroupedName, checkServiceNameChars, PUBLIC_NAMESPACE } from '../names.js';
import type { NamespaceRecord } from '../store.js';
import type { ServiceCommand } from './commands.js';
import { checkMetadataSize } from './instance-rules.js';
import type { RegistryParts } from './registry-parts.js';

const DEFAULT_SERVICE_SETTINGS: ServiceSettings = Object.freeze({
  protectThreshold: 0,
  metadata: EMPTY_METADATA,
  selector: NO_SELECTOR,
});

/** Services and clusters: creation (explicit or by a first registration), settings, deletion. */
export class ServiceEdits {
  constructor(private readonly d: RegistryParts) {}

  create(cmd: ServiceCommand): Service {
    checkGroupedName(cmd.serviceName);
    checkNameLengths(this.d.limits.nameLengths, { namespaceId: cmd.namespaceId, serviceName: cmd.serviceName });
    checkServiceNameChars(cmd.serviceName);
    checkMetadataSize(cmd.metadata, this.d.limits);
    if (this.d.tree.findService(cmd.namespaceId, cmd.serviceName)) {
      throw new ConflictError(`specified service already exists, serviceName : ${cmd.serviceName}`, 'service-exists');
    }
    const service = this.newService(cmd.namespaceId, cmd.serviceName, {
      protectThreshold: cmd.protectThreshold,
      metadata: cmd.metadata,
      selector: cmd.selector,
    });
    this.d.feed.publish(service, 'service.created');
    return service;
  }

  update(cmd: ServiceCommand): Service {
    checkGroupedName(cmd.serviceName);
    const service = this.d.tree.findService(cmd.namespaceId, cmd.serviceName);
    if (!service) throw new InvalidParameterError(`service ${cmd.serviceName} not found!`, 'service-missing');
    checkMetadataSize(cmd.metadata, this.d.limits);
    const settings = { protectThreshold: cmd.protectThreshold, metadata: cmd.metadata, selector: cmd.selector };
    this.d.store.putService({ namespaceId: service.namespaceId, name: service.name, ...settings });
    service.settings = settings;
    this.d.feed.publish(service, 'service.updated');
    return service;
  }

  /** Deletes the service with its instances and their overrides; `detach` untracks each instance. */
  delete(namespaceId: string, serviceName: string, detach: (instance: Instance) => void): void {
    checkGroupedName(serviceName);
    const ns = this.d.tree.get(namespaceId);
    const service = ns?.services.get(serviceName);
    if (!ns || !service) {
      throw new InvalidParameterError(`specified service not exist, serviceName : ${serviceName}`, 'service-missing');
    }
    this.d.store.deleteService(namespaceId, serviceName);
    this.d.overrides.forgetService(namespaceId, serviceName);
    for (const instance of [...service.instances()]) detach(instance);
    ns.services.delete(serviceName);
    this.d.feed.publish(service, 'service.deleted');
  }

  /** Service detail; 404 with Nacos's message when missing. */
  get(namespaceId: string, serviceName: string): Service {
    checkGroupedName(serviceName);
    const service = this.d.tree.findService(namespaceId, serviceName);
    if (!service) throw new NotFoundError(`service ${serviceName} is not found!`);
    return service;
  }

  updateCluster(
    namespaceId: string,
    serviceName: string,
    clusterName: string,
    patch: Partial<ClusterSettings>,
  ): Cluster {
    checkGroupedName(serviceName);
    checkNameLengths(this.d.limits.nameLengths, { clusterName });
    checkClusterName(clusterName);
    const service = this.d.tree.findService(namespaceId, serviceName);
    if (!service) throw new InvalidParameterError(`service not found:${serviceName}`);
    const existing = service.cluster(clusterName);
    const settings = { ...(existing?.settings ?? defaultClusterSettings()), ...patch };
    this.d.store.putCluster({ namespaceId, serviceName, name: clusterName, settings });
    const { cluster } = service.clusterOrCreate(clusterName);
    cluster.settings = settings;
    for (const instance of cluster.persistent.values()) this.d.sync.retrack(instance);
    this.d.feed.publish(service, 'cluster.updated');
    return cluster;
  }

  /**
   * Stores and adds a service, within the namespace's service limit. The first service of an
   * unknown namespace (a registration into an id nobody created, as Nacos clients may do) makes
   * it a namespace like any other, named by its id: listed on every face, deleted only when empty.
   */
  newService(namespaceId: string, serviceName: string, settings: ServiceSettings = DEFAULT_SERVICE_SETTINGS): Service {
    checkGroupedName(serviceName);
    checkNameLengths(this.d.limits.nameLengths, { namespaceId, serviceName });
    checkServiceNameChars(serviceName);
    const ns = this.d.tree.namespace(namespaceId);
    if (ns.services.size >= this.d.limits.maxServicesPerNamespace) {
      throw new LimitExceededError(
        `too many services in namespace ${namespaceId}: the limit is ${this.d.limits.maxServicesPerNamespace}`,
      );
    }
    const implicit = this.implicitNamespace(namespaceId);
    this.d.store.transaction(() => {
      if (implicit) this.d.store.putNamespace(implicit);
      this.d.store.putService({ namespaceId, name: serviceName, ...settings });
    });
    if (implicit) this.d.namespaceRecords.set(implicit.id, implicit);
    const service = new Service(namespaceId, serviceName);
    service.settings = { ...settings };
    ns.services.set(serviceName, service);
    return service;
  }

  /** The record a first service creates for a namespace that has none (never for public). */
  private implicitNamespace(namespaceId: string): NamespaceRecord | undefined {
    if (namespaceId === PUBLIC_NAMESPACE || this.d.namespaceRecords.has(namespaceId)) return undefined;
    return { id: namespaceId, name: namespaceId, description: '' };
  }
}
