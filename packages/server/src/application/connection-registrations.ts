import type { DeregisterCommand, Instance, RegisterCommand } from '@beacon/core';
import { instanceKey, InvalidParameterError } from '@beacon/core';
import { connectionOfHeld, heldConnectionId } from './held-connection-id.js';
import { checkServiceKind } from './service-kind-rule.js';
import type { StateBackend } from './state-backend.js';

/**
 * Instances held by connections (Nacos 2.x clients over gRPC), following Nacos 2.x's publisher
 * model: a connection publishes one set of instances per service. Registering replaces that set
 * with the one instance, a batch replaces it with the batch, and when the connection closes the
 * whole of it goes at once. Persistent instances are never held: they are registered and checked
 * exactly like those of 1.x clients. A service takes only instances of its kind (service-kind-rule.ts).
 *
 * Every change goes through the state backend's `apply`, so in a cluster it reaches Redis and the
 * change stream, and every node's subscribers hear it. One connection's requests are applied one
 * after the other, in the order they came, so a close always follows the registrations before it.
 */
export class ConnectionRegistrations {
  /** connection id -> `namespace##service` -> the instances it publishes there. */
  private readonly published = new Map<string, Map<string, Set<Instance>>>();
  /** connection id -> the end of its queue of changes. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** A clean stop is handing the clients over to other nodes: closed connections keep their instances. */
  private handingOver = false;

  constructor(private readonly backend: StateBackend) {
    backend.trackHeldConnections?.((heldId) => this.published.has(connectionOfHeld(heldId)));
  }

  /** InstanceRequest `registerInstance`: an ephemeral instance is held by the connection. */
  register(connectionId: string, cmd: RegisterCommand): Promise<void> {
    return this.inOrder(connectionId, async () => {
      checkServiceKind(this.backend.registry.findService(cmd.namespaceId, cmd.serviceName), cmd.ephemeral);
      if (cmd.ephemeral) await this.publish(connectionId, [cmd]);
      else await this.backend.apply('registerInstance', cmd);
    });
  }

  /** BatchInstanceRequest `batchRegisterInstance`: the batch becomes what the connection publishes. */
  batchRegister(connectionId: string, commands: readonly RegisterCommand[]): Promise<void> {
    if (commands.some((cmd) => !cmd.ephemeral)) {
      return Promise.reject(new InvalidParameterError('Batch registration is for ephemeral instances only'));
    }
    return this.inOrder(connectionId, async () => {
      const first = commands[0];
      if (first) checkServiceKind(this.backend.registry.findService(first.namespaceId, first.serviceName), true, true);
      await this.publish(connectionId, commands);
    });
  }

  /** InstanceRequest `deregisterInstance`: only what the connection holds, or a persistent instance. */
  deregister(connectionId: string, cmd: DeregisterCommand): Promise<void> {
    return this.inOrder(connectionId, () => this.deregisterNow(connectionId, cmd));
  }

  /** BatchInstanceRequest `batchDeregisterInstance`: each instance as `deregister` would, in order. */
  batchDeregister(connectionId: string, commands: readonly DeregisterCommand[]): Promise<void> {
    return this.inOrder(connectionId, async () => {
      for (const cmd of commands) await this.deregisterNow(connectionId, cmd);
    });
  }

  /**
   * In a cluster, when the cluster deleted instances a live connection still holds (this node was
   * taken for dead), `listener` gets the connection: resetting it makes the client register again.
   */
  onLost(listener: (connectionId: string) => void): void {
    this.backend.onHeldLost?.((heldId) => {
      const connectionId = connectionOfHeld(heldId);
      if (this.published.has(connectionId)) listener(connectionId);
    });
  }

  /**
   * A clean stop in a cluster, so that a rolling restart shows no gap: while `resetConnections`
   * tells the clients to reconnect (they then register again on another node of their server list)
   * and after it, closed connections keep what they published. That ends once another node's
   * registration has taken over each instance, or after `boundMs`; then what is still held here
   * is released. Without another live node (or embedded) nobody can take over: no wait.
   */
  async handOver(boundMs: number, resetConnections: () => Promise<void>): Promise<void> {
    const waits = boundMs > 0 && (await this.otherNodesLive());
    this.handingOver = waits;
    try {
      await resetConnections();
      if (waits) await this.takenOver(boundMs);
    } finally {
      this.handingOver = false;
      await Promise.all([...this.published.keys()].map((id) => this.releaseAll(id)));
    }
  }

  /** The connection is gone: everything it published goes, and subscribers hear it. */
  releaseAll(connectionId: string): Promise<void> {
    if (this.handingOver) return Promise.resolve(); // released after the hand-over, if still held
    return this.inOrder(connectionId, async () => {
      const services = this.published.get(connectionId);
      this.published.delete(connectionId);
      if (!services) return;
      const held = [...services.values()].flatMap((instances) => [...instances]);
      await Promise.all(held.map((instance) => this.release(connectionId, instance)));
    });
  }

  private async otherNodesLive(): Promise<boolean> {
    const members = await this.backend.members?.().catch(() => []);
    return (members ?? []).some((m) => !m.self);
  }

  /** Resolves once no instance a connection published is held here any more, or after `boundMs`. */
  private takenOver(boundMs: number): Promise<void> {
    const registry = this.backend.registry;
    const stillHeld = () =>
      [...this.published].some(([connectionId, services]) =>
        [...services.values()].some((instances) =>
          [...instances].some((i) => i.connectionId === this.heldId(connectionId) && registry.isAttached(i)),
        ),
      );
    if (!stillHeld()) return Promise.resolve();
    return new Promise((resolve) => {
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        unsubscribe();
        registry.clock.clearTimeout(timer);
        resolve();
      };
      const timer = registry.clock.setTimeout(done, boundMs);
      // Not from inside the registry's walk over its listeners (unsubscribing there skips the next one).
      const unsubscribe = registry.onChange(() => {
        if (!settled && !stillHeld()) queueMicrotask(done);
      });
    });
  }

  private async deregisterNow(connectionId: string, cmd: DeregisterCommand): Promise<void> {
    if (cmd.ephemeral) await this.unpublish(connectionId, cmd);
    else await this.backend.apply('deregisterInstance', cmd);
  }

  /** Registers `commands` (all of one service) as everything the connection publishes for that service. */
  private async publish(connectionId: string, commands: readonly RegisterCommand[]): Promise<void> {
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
    services.set(key, now);
    const heldBy = this.heldId(connectionId);
    try {
      for (const cmd of commands)
        now.add(await this.backend.apply('registerInstance', { ...cmd, connectionId: heldBy }));
    } catch (error) {
      // Refused part-way: nothing is released, and all of it goes with the connection.
      for (const instance of previous ?? []) now.add(instance);
      throw error;
    }
    if (previous) {
      await Promise.all([...previous].filter((i) => !now.has(i)).map((i) => this.release(connectionId, i)));
    }
  }

  /** Removes one instance the connection published; instances others hold are left alone. */
  private async unpublish(connectionId: string, cmd: DeregisterCommand): Promise<void> {
    const services = this.published.get(connectionId);
    const key = serviceKey(cmd.namespaceId, cmd.serviceName);
    const instances = services?.get(key);
    if (!services || !instances) return;
    const wanted = instanceKey(cmd.ip, cmd.port);
    const released = [...instances].filter((i) => i.key === wanted && i.clusterName === cmd.clusterName);
    for (const instance of released) instances.delete(instance);
    if (instances.size === 0) services.delete(key);
    await Promise.all(released.map((instance) => this.release(connectionId, instance)));
  }

  /** Only while the instance is still this connection's: an HTTP re-register took it over otherwise. */
  private async release(connectionId: string, instance: Instance): Promise<void> {
    const registry = this.backend.registry;
    if (instance.connectionId !== this.heldId(connectionId) || !registry.isAttached(instance)) return;
    await this.backend.apply('deregisterInstance', {
      namespaceId: instance.service.namespaceId,
      serviceName: instance.service.name,
      clusterName: instance.clusterName,
      ip: instance.ip,
      port: instance.port,
      ephemeral: true,
    });
  }

  /** In a cluster the instance carries the node holding the connection (held-connection-id.ts). */
  private heldId(connectionId: string): string {
    return heldConnectionId(this.backend.node, connectionId);
  }

  /** Runs `task` after every earlier change of the same connection has settled. */
  private inOrder(connectionId: string, task: () => Promise<void>): Promise<void> {
    const run = (this.queues.get(connectionId) ?? Promise.resolve()).then(task, task);
    const settled = run.catch(() => undefined);
    this.queues.set(connectionId, settled);
    void settled.then(() => {
      if (this.queues.get(connectionId) === settled) this.queues.delete(connectionId);
    });
    return run;
  }
}

function serviceKey(namespaceId: string, serviceName: string): string {
  return namespaceId + '##' + serviceName;
}
