import type { DeregisterCommand, Instance, RegisterCommand, Registry } from '@beacon/core';
import { bareName, groupOf, instanceKey } from '@beacon/core';
import type { GrpcConnection } from './connection.js';
import { buildServiceInfoV2 } from './service-info-v2.js';

export function serviceKey(namespaceId: string, serviceName: string): string {
  return namespaceId + '##' + serviceName;
}

/**
 * Everything the gRPC face asks of the registry, in one place, so the face can be pointed at the
 * application layer's use cases without its handlers changing.
 *
 * Ephemeral instances follow Nacos 2.x's publisher model: a connection publishes one set of
 * instances per service. Registering replaces that set with the one instance, a batch replaces it
 * with the batch, and closing the connection removes it. Persistent instances are not held by the
 * connection: they are registered and checked exactly like those of 1.x clients.
 */
export class GrpcNaming {
  constructor(private readonly registry: Registry) {}

  get switches(): Registry['switches'] {
    return this.registry.switches;
  }

  /** Registers `commands` (one service) as everything the connection publishes for that service. */
  publish(connection: GrpcConnection, commands: readonly RegisterCommand[]): void {
    const first = commands[0];
    if (!first) return;
    const key = serviceKey(first.namespaceId, first.serviceName);
    const previous = connection.published.get(key);
    const now = new Set<Instance>();
    for (const cmd of commands) now.add(this.registry.registerInstance({ ...cmd, connectionId: connection.id }));
    connection.published.set(key, now);
    if (previous) for (const instance of previous) if (!now.has(instance)) this.release(connection, instance);
  }

  /** Removes one instance the connection published; instances others hold are left alone. */
  unpublish(connection: GrpcConnection, cmd: DeregisterCommand): void {
    const key = serviceKey(cmd.namespaceId, cmd.serviceName);
    const published = connection.published.get(key);
    if (!published) return;
    const wanted = instanceKey(cmd.ip, cmd.port);
    for (const instance of published) {
      if (instance.key === wanted && instance.clusterName === cmd.clusterName) {
        published.delete(instance);
        this.release(connection, instance);
      }
    }
    if (published.size === 0) connection.published.delete(key);
  }

  /** The connection is gone: everything it published goes, and subscribers hear it. */
  releaseAll(connection: GrpcConnection): void {
    for (const instances of connection.published.values()) {
      for (const instance of instances) this.release(connection, instance);
    }
    connection.published.clear();
  }

  registerPersistent(cmd: RegisterCommand): void {
    this.registry.registerInstance(cmd);
  }

  deregisterPersistent(cmd: DeregisterCommand): void {
    this.registry.deregisterInstance(cmd);
  }

  serviceInfo(
    namespaceId: string,
    serviceName: string,
    clusters: string,
    healthyOnly: boolean,
  ): Record<string, unknown> {
    const service = this.registry.findService(namespaceId, serviceName);
    const cacheMillis = this.registry.switches.defaultPushCacheMillis;
    return buildServiceInfoV2(service, serviceName, clusters, healthyOnly, cacheMillis, this.registry.clock.now());
  }

  /** ServiceListRequest: bare names of one group (every group when none is named), a 1-based page. */
  serviceNames(
    namespaceId: string,
    groupName: string | undefined,
    pageNo: number,
    pageSize: number,
  ): { count: number; serviceNames: string[] } {
    const names: string[] = [];
    for (const service of this.registry.services(namespaceId)) {
      if (groupName === undefined || groupOf(service.name) === groupName) names.push(bareName(service.name));
    }
    names.sort();
    const start = Math.max(0, (pageNo - 1) * pageSize);
    return { count: names.length, serviceNames: names.slice(start, start + pageSize) };
  }

  /** Only while the instance is still this connection's: an HTTP re-register took it over otherwise. */
  private release(connection: GrpcConnection, instance: Instance): void {
    if (instance.connectionId !== connection.id || !this.registry.isAttached(instance)) return;
    this.registry.deregisterInstance({
      namespaceId: instance.service.namespaceId,
      serviceName: instance.service.name,
      clusterName: instance.clusterName,
      ip: instance.ip,
      port: instance.port,
      ephemeral: true,
    });
  }
}
