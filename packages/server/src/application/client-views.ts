import { NotFoundError, type Instance, type Registry, type Service } from '@beacon/core';
import type { Listener, Subscriptions } from '../push/subscriptions.js';
import type { StateBackend } from './state-backend.js';

/**
 * What Beacon calls a client, in Nacos 2.x's words (its ClientManager):
 * - `connection`: a gRPC connection, by its id; it publishes the instances it holds and subscribes
 *   to the services it asked for;
 * - `ipPort`: an address that beats or is checked, `ip:port#true` (ephemeral) or `ip:port#false`
 *   (persistent), publishing its instances; a UDP push target is the `ip:port#true` of its address;
 * - `watch`: a native watch stream (Beacon's own), `watch:ip:port`, a subscriber only.
 * Computed from the registry and the live subscriptions on each call: an operator's view, not a
 * hot path (a listing walks every instance).
 */
export type ClientKind = 'connection' | 'ipPort' | 'watch';

export interface ClientSummary {
  readonly clientId: string;
  readonly kind: ClientKind;
  readonly ephemeral: boolean;
  readonly ip: string;
  readonly port: number;
  readonly agent: string;
  readonly app: string;
  /** The last beat of its instances, or now for a subscriber. */
  readonly lastUpdatedTime: number;
}

export interface Publication {
  readonly clientId: string;
  readonly service: Service;
  readonly instance: Instance;
}

export interface Subscription {
  readonly clientId: string;
  readonly namespaceId: string;
  readonly serviceName: string;
  readonly listener: Listener;
}

export class ClientViews {
  constructor(
    private readonly state: StateBackend,
    private readonly subscriptions: Subscriptions,
  ) {}

  private get registry(): Registry {
    return this.state.registry;
  }

  /** Every client id, sorted. */
  ids(): string[] {
    const ids = new Set<string>();
    for (const p of this.allPublications()) ids.add(p.clientId);
    for (const s of this.allSubscriptions()) ids.add(s.clientId);
    return [...ids].sort();
  }

  /** One client; 404 (Nacos's words) when nothing publishes or subscribes under that id. */
  client(clientId: string): ClientSummary {
    const published = this.publishedBy(clientId);
    const subscribed = this.subscribedBy(clientId);
    const first = published[0];
    const listener = subscribed[0]?.listener;
    if (!first && !listener) throw new NotFoundError(`clientId [ ${clientId} ] not exist`);
    const kind = kindOf(clientId, first?.instance);
    const lastBeat = Math.max(0, ...published.map((p) => p.instance.lastBeat));
    // A connection is where the client connected from, not where its instances are.
    const at = (kind === 'connection' ? (listener ?? peerOf(clientId)) : undefined) ?? first?.instance ?? listener!;
    return {
      clientId,
      kind,
      ephemeral: first?.instance.ephemeral ?? true,
      ip: at.ip,
      port: at.port,
      agent: listener?.agent ?? '',
      app: listener?.app ?? first?.instance.app ?? '',
      lastUpdatedTime: lastBeat > 0 ? lastBeat : this.registry.clock.now(),
    };
  }

  publishedBy(clientId: string): Publication[] {
    return [...this.allPublications()].filter((p) => p.clientId === clientId);
  }

  subscribedBy(clientId: string): Subscription[] {
    return [...this.allSubscriptions()].filter((s) => s.clientId === clientId);
  }

  /** Who publishes instances of one service, those at `ip` and `port` when given. */
  publishersOf(namespaceId: string, serviceName: string, ip?: string, port?: number): Publication[] {
    const service = this.registry.findService(namespaceId, serviceName);
    if (!service) return [];
    return [...service.instances()]
      .filter((i) => (ip === undefined || i.ip === ip) && (port === undefined || i.port === port))
      .map((instance) => ({ clientId: publisherId(instance), service, instance }));
  }

  /** Who subscribes to one service, those at `ip` and `port` when given. */
  subscribersOf(namespaceId: string, serviceName: string, ip?: string, port?: number): Subscription[] {
    return this.subscriptions
      .listeners(namespaceId, serviceName)
      .filter((l) => (ip === undefined || l.ip === ip) && (port === undefined || l.port === port))
      .map((listener) => ({ clientId: subscriberId(listener), namespaceId, serviceName, listener }));
  }

  private *allPublications(): Generator<Publication> {
    for (const namespaceId of this.registry.namespaceIds()) {
      for (const service of this.registry.services(namespaceId)) {
        for (const instance of service.instances()) yield { clientId: publisherId(instance), service, instance };
      }
    }
  }

  /** Subscriptions to the services the registry holds (a subscription to a service yet to come is not listed). */
  private *allSubscriptions(): Generator<Subscription> {
    for (const namespaceId of this.registry.namespaceIds()) {
      for (const service of this.registry.services(namespaceId)) {
        yield* this.subscribersOf(namespaceId, service.name);
      }
    }
  }
}

/** A held instance's connection (without the cluster node before the `/`), else its address. */
function publisherId(instance: Instance): string {
  const held = instance.connectionId;
  if (held !== undefined) return held.slice(held.indexOf('/') + 1);
  return `${instance.ip}:${instance.port}#${instance.ephemeral}`;
}

function subscriberId(listener: Listener): string {
  if (listener.kind === 'grpc' && listener.connectionId !== undefined) return listener.connectionId;
  if (listener.kind === 'watch') return `watch:${listener.ip}:${listener.port}`;
  return `${listener.ip}:${listener.port}#true`;
}

/** A connection id is `<millis>_<ip>_<port>`, as Nacos makes them. */
function peerOf(connectionId: string): { ip: string; port: number } | undefined {
  const match = /_([^_]+)_(\d+)$/.exec(connectionId);
  return match ? { ip: match[1]!, port: Number(match[2]) } : undefined;
}

function kindOf(clientId: string, instance: Instance | undefined): ClientKind {
  if (clientId.startsWith('watch:')) return 'watch';
  if (instance?.connectionId !== undefined || !clientId.includes('#')) return 'connection';
  return 'ipPort';
}
