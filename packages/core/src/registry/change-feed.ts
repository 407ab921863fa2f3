import type { Clock } from '../clock.js';
import type { ChangeListener, ChangeReason, ServiceChange } from '../events.js';
import type { Instance } from '../model/instance.js';
import type { Service } from '../model/service.js';

/**
 * The registry's revision counter and its listeners. Only the registry's own parts publish: a
 * change is announced by the mutation that made it, never from outside.
 */
export class ChangeFeed {
  private readonly listeners: ChangeListener[] = [];
  private current: number;

  constructor(
    private readonly clock: Clock,
    private readonly reportError: (error: unknown) => void,
  ) {
    // Revisions start from the clock (x1000), so a restarted server's revisions are above every
    // revision it handed out before; a watcher resuming across a restart gets a snapshot, not a gap.
    // Stays below 2^53 for centuries.
    this.current = clock.now() * 1000;
  }

  get revision(): number {
    return this.current;
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Bumps the revision, stamps the service and tells every listener; a failing listener is reported. */
  publish(service: Service, reason: ChangeReason, instance?: Instance): void {
    const revision = ++this.current;
    const at = this.clock.now();
    service.revision = revision;
    service.changedAt = at;
    const change: ServiceChange = {
      revision,
      reason,
      service,
      at,
      ...(instance ? { instance: instance.key } : {}),
    };
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.reportError(error);
      }
    }
  }
}
