import type { ClientInfo } from '../wire/client-info.js';

/** A Nacos 1.x client that polls `/instance/list` with a UDP port and so receives pushes there. */
export interface PushTarget {
  readonly namespaceId: string;
  readonly serviceName: string;
  /** The `clusters` parameter as sent; the pushed ServiceInfo echoes it like the list endpoint. */
  readonly clusters: string;
  readonly ip: string;
  readonly port: number;
  readonly client: ClientInfo;
  readonly app: string;
  /** The address the polls came from (a trusted proxy's, for proxied clients): what the cap counts. */
  readonly source: string;
  /** When it last polled (ms); it is a zombie once this is older than the TTL. */
  lastRefTime: number;
  /**
   * Whether the credentials of its latest poll still grant reading the service (run again when
   * users, roles or permissions change); undefined when nothing can revoke them (auth off).
   */
  stillAllowed: (() => boolean) | undefined;
}

export type NewPushTarget = Omit<PushTarget, 'lastRefTime'>;

/**
 * The push target table of Nacos's PushService: keyed (namespace##service, clusters, ip:port,
 * agent). A poll registers or refreshes a target in O(1); targets silent for longer than the TTL
 * are skipped at push time and dropped by `sweep`.
 */
export class PushTargets {
  private readonly byService = new Map<string, Map<string, PushTarget>>();
  private readonly perSource = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    /** Targets one source address may hold; a poll past it is answered but gets no pushes. */
    private readonly maxPerSource = Number.POSITIVE_INFINITY,
  ) {}

  /** Registers or refreshes a target; false when it is new and its source already holds the maximum. */
  touch(target: NewPushTarget, now: number): boolean {
    const serviceKey = serviceKeyOf(target.namespaceId, target.serviceName);
    let targets = this.byService.get(serviceKey);
    if (!targets) {
      targets = new Map();
      this.byService.set(serviceKey, targets);
    }
    const key = `${target.clusters}\u0000${target.ip}:${target.port}\u0000${target.client.agent}`;
    const existing = targets.get(key);
    if (existing) {
      existing.lastRefTime = now;
      existing.stillAllowed = target.stillAllowed;
      return true;
    }
    const held = this.perSource.get(target.source) ?? 0;
    if (held >= this.maxPerSource) {
      if (targets.size === 0) this.byService.delete(serviceKey);
      return false;
    }
    this.perSource.set(target.source, held + 1);
    targets.set(key, { ...target, lastRefTime: now });
    return true;
  }

  /** Whether anyone might want pushes for this service; cheap enough for every change. */
  has(namespaceId: string, serviceName: string): boolean {
    return this.byService.has(serviceKeyOf(namespaceId, serviceName));
  }

  /** The targets of a service that polled within the TTL. */
  live(namespaceId: string, serviceName: string, now: number): PushTarget[] {
    const targets = this.byService.get(serviceKeyOf(namespaceId, serviceName));
    if (!targets) return [];
    const live: PushTarget[] = [];
    for (const t of targets.values()) if (!this.isZombie(t, now)) live.push(t);
    return live;
  }

  liveCount(now: number): number {
    let n = 0;
    for (const targets of this.byService.values()) for (const t of targets.values()) if (!this.isZombie(t, now)) n++;
    return n;
  }

  /** Drops the zombies; returns how many went. */
  sweep(now: number): number {
    let dropped = 0;
    for (const [serviceKey, targets] of this.byService) {
      for (const [key, t] of targets) {
        if (this.isZombie(t, now)) {
          targets.delete(key);
          this.release(t.source);
          dropped++;
        }
      }
      if (targets.size === 0) this.byService.delete(serviceKey);
    }
    return dropped;
  }

  /** Drops, at once, the targets whose poller may no longer read their service; returns how many went. */
  revalidate(): number {
    let dropped = 0;
    for (const [serviceKey, targets] of this.byService) {
      for (const [key, t] of targets) {
        if (t.stillAllowed && !t.stillAllowed()) {
          targets.delete(key);
          this.release(t.source);
          dropped++;
        }
      }
      if (targets.size === 0) this.byService.delete(serviceKey);
    }
    return dropped;
  }

  private release(source: string): void {
    const held = (this.perSource.get(source) ?? 1) - 1;
    if (held > 0) this.perSource.set(source, held);
    else this.perSource.delete(source);
  }

  private isZombie(t: PushTarget, now: number): boolean {
    return now - t.lastRefTime > this.ttlMs;
  }
}

export function serviceKeyOf(namespaceId: string, serviceName: string): string {
  return `${namespaceId}##${serviceName}`;
}
