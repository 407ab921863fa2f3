import { NotFoundError, type CheckSharing, type Clock, type Instance, type InstanceAddress } from '@beacon/core';
import { memberOf, shardOf } from '../engines/redis-layout.js';
import { reasonOf } from '../../net/error-reason.js';
import { atMostEveryFewSeconds } from '../../net/paced-log.js';

/**
 * Active checks of persistent instances in cluster mode: the node holding a shard's lease (the one
 * that runs its expiry, expiry-leases.ts) probes the persistent instances of that shard's services,
 * so each is probed once cluster-wide; when the lease moves, so do the checks. A health change a
 * check decides is written as a mutation (PostgreSQL, then the change stream), so every node's view
 * and subscribers see it. If the engines refuse it, it is dropped: the view still holds the old
 * health, so the next check decides the same change again and retries.
 */
export class LeasedHealthChecks implements CheckSharing {
  /** Instances whose change is being written: a check settling meanwhile must not write it twice. */
  private readonly writing = new Set<string>();
  /** A failed write is reported every few seconds, not at every check of every instance. */
  private readonly reportFailure = atMostEveryFewSeconds(
    (message) => this.report(message),
    () => this.clock.now(),
  );

  constructor(
    private readonly heldShards: ReadonlySet<number>,
    private readonly write: (address: InstanceAddress, healthy: boolean) => Promise<unknown>,
    private readonly report: (message: string) => void,
    private readonly clock: Clock,
  ) {}

  owns(namespaceId: string, serviceName: string): boolean {
    return this.heldShards.has(shardOf(namespaceId, serviceName));
  }

  setHealth(instance: Instance, healthy: boolean): void {
    const address = instance.address;
    const member = memberOf(address);
    if (this.writing.has(member)) return;
    this.writing.add(member);
    this.write(address, healthy)
      .catch((error: unknown) => {
        if (error instanceof NotFoundError) return; // deregistered while it was probed
        this.reportFailure(`a health check result was not shared, the next check retries: ${reasonOf(error)}`);
      })
      .finally(() => this.writing.delete(member));
  }
}
