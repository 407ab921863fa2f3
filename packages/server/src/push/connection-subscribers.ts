import { InvalidParameterError, LimitExceededError } from '@beacon/core';

/**
 * A subscriber that holds a connection of its own and is pushed to down it (a Nacos 2.x client
 * over gRPC). The face that owns the connection implements it; push only calls it.
 */
export interface ConnectionSubscriber {
  /** Sends a server request down the connection; resolves with whether it was acknowledged in time. */
  request(type: string, body: Record<string, unknown>, timeoutMs: number): Promise<boolean>;
  readonly isClosed: boolean;
  /**
   * Whether its credentials still grant reading the service: checked before each push and again
   * whenever users, roles or permissions change, so pushes stop when the rights end.
   */
  mayReceive(namespaceId: string, serviceName: string): boolean;
  /** For `/service/subscribers` and the client views; `id` is the connection's. */
  readonly describe: {
    readonly id: string;
    readonly ip: string;
    readonly port: number;
    readonly agent: string;
    readonly app: string;
  };
}

/** What one subscriber asked for: a service, and the clusters (`a,b`, or '' for all). */
export interface ConnectionSubscription {
  readonly namespaceId: string;
  readonly serviceName: string;
  readonly clusters: string;
}

export function serviceKeyOf(namespaceId: string, serviceName: string): string {
  return namespaceId + '##' + serviceName;
}

/** Longest `clusters` a subscription may name (comma-separated cluster names). */
export const MAX_SUBSCRIPTION_CLUSTERS_CHARS = 4096;

/**
 * Which connections subscribed to which service (SubscribeServiceRequest), both ways round. One
 * connection holds at most `maxPerSubscriber` subscriptions, each naming bounded clusters, so a
 * client cannot make the server hold without end.
 */
export class ConnectionSubscribers {
  private readonly byService = new Map<string, Map<ConnectionSubscriber, ConnectionSubscription>>();
  private readonly bySubscriber = new Map<ConnectionSubscriber, Set<string>>();

  constructor(private readonly maxPerSubscriber = Number.POSITIVE_INFINITY) {}

  subscribe(subscriber: ConnectionSubscriber, subscription: ConnectionSubscription): void {
    if (subscription.clusters.length > MAX_SUBSCRIPTION_CLUSTERS_CHARS) {
      throw new InvalidParameterError(`clusters is longer than ${MAX_SUBSCRIPTION_CLUSTERS_CHARS} characters`);
    }
    const key = serviceKeyOf(subscription.namespaceId, subscription.serviceName);
    const held = this.bySubscriber.get(subscriber);
    if (held && !held.has(key) && held.size >= this.maxPerSubscriber) {
      throw new LimitExceededError(`a connection may subscribe to at most ${this.maxPerSubscriber} services`);
    }
    let subscribers = this.byService.get(key);
    if (!subscribers) {
      subscribers = new Map();
      this.byService.set(key, subscribers);
    }
    subscribers.set(subscriber, subscription);
    let keys = this.bySubscriber.get(subscriber);
    if (!keys) {
      keys = new Set();
      this.bySubscriber.set(subscriber, keys);
    }
    keys.add(key);
  }

  unsubscribe(subscriber: ConnectionSubscriber, namespaceId: string, serviceName: string): void {
    this.drop(subscriber, serviceKeyOf(namespaceId, serviceName));
  }

  /** The connection is gone. */
  dropAll(subscriber: ConnectionSubscriber): void {
    for (const key of [...(this.bySubscriber.get(subscriber) ?? [])]) this.drop(subscriber, key);
  }

  /** Drops the subscriptions their subscriber may no longer read; returns how many went. */
  revalidate(): number {
    let dropped = 0;
    for (const [subscriber, keys] of [...this.bySubscriber]) {
      for (const key of [...keys]) {
        const subscription = this.byService.get(key)?.get(subscriber);
        if (subscription && !subscriber.mayReceive(subscription.namespaceId, subscription.serviceName)) {
          this.drop(subscriber, key);
          dropped++;
        }
      }
    }
    return dropped;
  }

  /** Cheap enough for every registry change. */
  has(key: string): boolean {
    return this.byService.has(key);
  }

  of(key: string): ReadonlyMap<ConnectionSubscriber, ConnectionSubscription> {
    return this.byService.get(key) ?? EMPTY;
  }

  count(): number {
    let n = 0;
    for (const subscribers of this.byService.values()) n += subscribers.size;
    return n;
  }

  private drop(subscriber: ConnectionSubscriber, key: string): void {
    const keys = this.bySubscriber.get(subscriber);
    keys?.delete(key);
    if (keys?.size === 0) this.bySubscriber.delete(subscriber);
    const subscribers = this.byService.get(key);
    subscribers?.delete(subscriber);
    if (subscribers?.size === 0) this.byService.delete(key);
  }
}

const EMPTY: ReadonlyMap<ConnectionSubscriber, ConnectionSubscription> = new Map();
