import type { DeregisterCommand, Instance, RegisterCommand, Registry } from '@beacon/core';
import { instanceKey, InvalidParameterError } from '@beacon/core';

/**
 * Instances held by connections (Nacos 2.x clients over gRPC), following Nacos 2.x's publisher
 * model: a connection publishes one set of instances per service. Registering replaces that set
 * with the one instance, a batch replaces it with the batch, and when the connection closes the
 * whole of it goes at once. Persistent instances are never held: they are registered and checked
 * exactly like those of 1.x clients.
 */
export class ConnectionRegistrations {
  /** connection id -> `namespace##service` -> the instances it publishes there. */
  private readonly published = new Map<string, Map<string, Set<Instance>>>();

  constructor(private readonly registry: Registry) {}

  /** InstanceRequest `registerInstance`: an ephemeral instance is held by the connection. */
  register(connectionId: string, cmd: RegisterCommand): void {
    if (cmd.ephemeral) this.publish(connectionId, [cmd]);
    else this.registry.registerInstance(cmd);
  }

  /** BatchInstanceRequest `batchRegisterInstance`: the batch becomes what the connection publishes. */
  batchRegister(connectionId: string, commands: readonly RegisterCommand[]): void {
    if (commands.some((cmd) => !cmd.ephemeral)) {
      throw new InvalidParameterError('Batch registration is for ephemeral instances only');
    }
    this.publish(connectionId, commands);
  }

  /** InstanceRequest `deregisterInstance`: only what the connection holds, or a persistent instance. */
  deregister(connectionId: string, cmd: DeregisterCommand): void {
    if (cmd.ephemeral) this.unpublish(connectionId, cmd);
    else this.registry.deregisterInstance(cmd);
  }

  /** Registers `commands` (all of one service) as everything the connection publishes for that service. */
  private publish(connectionId: string, commands: readonly RegisterCommand[]): void {
    const first = commands[0];
    if (!first) return;
    const key = serviceKey(first.namespaceId, first.serviceName);
    let services = this.published.get(connectionId);
    if (!services) {
      services = new Map();
      this.published.set(connectionId, services);
    }
    const previous = services.get(key);
    const now = new Set<Instance>();
    for (const cmd of commands) now.add(this.registry.registerInstance({ ...cmd, connectionId }));
    services.set(key, now);
    if (previous) for (const instance of previous) if (!now.has(instance)) this.release(connectionId, instance);
  }

  /** Removes one instance the connection published; instances others hold are left alone. */
  private unpublish(connectionId: string, cmd: DeregisterCommand): void {
    const services = this.published.get(connectionId);
    const key = serviceKey(cmd.namespaceId, cmd.serviceName);
    const instances = services?.get(key);
    if (!services || !instances) return;
    const wanted = instanceKey(cmd.ip, cmd.port);
    for (const instance of instances) {
      if (instance.key === wanted && instance.clusterName === cmd.clusterName) {
        instances.delete(instance);
        this.release(connectionId, instance);
      }
    }
    if (instances.size === 0) services.delete(key);
  }

  /** The connection is gone: everything it published goes, and subscribers hear it. */
  releaseAll(connectionId: string): void {
    const services = this.published.get(connectionId);
    this.published.delete(connectionId);
    if (!services) return;
    for (const instances of services.values()) for (const instance of instances) this.release(connectionId, instance);
  }

  /** Only while the instance is still this connection's: an HTTP re-register took it over otherwise. */
  private release(connectionId: string, instance: Instance): void {
    if (instance.connectionId !== connectionId || !this.registry.isAttached(instance)) return;
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

function serviceKey(namespaceId: string, serviceName: string): string {
  return namespaceId + '##' + serviceName;
}
