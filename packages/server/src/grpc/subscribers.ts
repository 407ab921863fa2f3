import type { GrpcConnection, Subscription } from './connection.js';
import { serviceKey } from './naming-operations.js';

/** Which connections subscribed to which service (SubscribeServiceRequest), both ways round. */
export class GrpcSubscribers {
  private readonly byService = new Map<string, Map<GrpcConnection, Subscription>>();

  subscribe(connection: GrpcConnection, subscription: Subscription): void {
    const key = serviceKey(subscription.namespaceId, subscription.serviceName);
    let subscribers = this.byService.get(key);
    if (!subscribers) {
      subscribers = new Map();
      this.byService.set(key, subscribers);
    }
    subscribers.set(connection, subscription);
    connection.subscriptions.set(key, subscription);
  }

  unsubscribe(connection: GrpcConnection, namespaceId: string, serviceName: string): void {
    const key = serviceKey(namespaceId, serviceName);
    connection.subscriptions.delete(key);
    const subscribers = this.byService.get(key);
    subscribers?.delete(connection);
    if (subscribers?.size === 0) this.byService.delete(key);
  }

  /** The connection is gone. */
  dropAll(connection: GrpcConnection): void {
    for (const s of [...connection.subscriptions.values()]) this.unsubscribe(connection, s.namespaceId, s.serviceName);
  }

  /** Cheap enough for every registry change. */
  has(key: string): boolean {
    return this.byService.has(key);
  }

  of(key: string): ReadonlyMap<GrpcConnection, Subscription> {
    return this.byService.get(key) ?? EMPTY;
  }

  count(): number {
    let n = 0;
    for (const subscribers of this.byService.values()) n += subscribers.size;
    return n;
  }
}

const EMPTY: ReadonlyMap<GrpcConnection, Subscription> = new Map();
