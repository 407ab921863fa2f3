import { Inject, Injectable } from '@nestjs/common';
import { Registry } from '@beacon/core';
import { unmapped } from '../net/address-list.js';
import type { ClientInfo } from '../wire/client-info.js';
import { ConnectionSubscribers, serviceKeyOf } from './connection-subscribers.js';
import { PushAddressRule } from './push-address-rule.js';
import { PushTargets } from './push-targets.js';
import { UdpPusher } from './udp-pusher.js';
import { WatchHub } from './watch-hub.js';

/** A client's query for the hosts of a service, with where it would like pushes to go. */
export interface HostQuery {
  readonly namespaceId: string;
  readonly serviceName: string;
  /** The `clusters` parameter exactly as sent: push targets are keyed on it. */
  readonly clusters: string;
  /** Where the client asks pushes to go; honoured only as PushAddressRule allows. */
  readonly clientIP: string | undefined;
  /** The peer address of the connection the query came on. */
  readonly sourceAddress: string;
  /** 0 when the client does not listen for pushes. */
  readonly udpPort: number;
  readonly app: string;
  /** Whether the query's credentials still grant it (see AuthGuard.accessRecheck); undefined with auth off. */
  readonly stillAllowed?: (() => boolean) | undefined;
}

export interface Subscriber {
  readonly addrStr: string;
  readonly agent: string;
  readonly app: string;
  readonly ip: string;
  readonly port: number;
  readonly namespaceId: string;
  readonly serviceName: string;
}

export interface Listener {
  readonly kind: 'udp' | 'watch' | 'grpc';
  /** The gRPC connection's id (kind `grpc` only). */
  readonly connectionId?: string;
  readonly ip: string;
  readonly port: number;
  readonly agent: string;
  readonly app: string;
}

/**
 * Who listens to which service. `/instance/list` reports every push-capable query here (the
 * caller becomes or stays a UDP push target); `/service/subscribers` lists the live UDP targets,
 * the watch streams that see the service and the gRPC connections subscribed to it.
 */
@Injectable()
export class Subscriptions {
  constructor(
    @Inject(Registry) private readonly registry: Registry,
    @Inject(PushTargets) private readonly targets: PushTargets,
    @Inject(UdpPusher) private readonly pusher: UdpPusher,
    @Inject(WatchHub) private readonly hub: WatchHub,
    @Inject(ConnectionSubscribers) private readonly connections: ConnectionSubscribers,
    @Inject(PushAddressRule) private readonly addressRule: PushAddressRule,
  ) {}

  /**
   * Whether the caller now receives UDP pushes, which sets the `cacheMillis` it is told. A port a
   * datagram cannot go to (65536 made the socket throw, cutting the push short for every later
   * subscriber), an address that is not IPv4, or a source at its target cap: the caller simply
   * polls, as Nacos falls back when it cannot add a push client.
   */
  onListQuery(query: HostQuery, client: ClientInfo): boolean {
    if (!this.pusher.ready || query.udpPort <= 0 || query.udpPort > 65535) return false;
    const ip = this.addressRule.targetOf(query.sourceAddress, query.clientIP);
    if (ip === undefined) return false;
    return this.targets.touch(
      {
        namespaceId: query.namespaceId,
        serviceName: query.serviceName,
        clusters: query.clusters,
        ip,
        port: query.udpPort,
        client,
        app: query.app,
        source: unmapped(query.sourceAddress),
        stillAllowed: query.stillAllowed,
      },
      this.registry.clock.now(),
    );
  }

  subscribers(namespaceId: string, serviceName: string): Subscriber[] {
    return this.listeners(namespaceId, serviceName).map(({ ip, port, agent, app }) => ({
      addrStr: `${ip}:${port}`,
      agent,
      app,
      ip,
      port,
      namespaceId,
      serviceName,
    }));
  }

  /** The live UDP targets and the open watch streams that see the service, each with its kind. */
  listeners(namespaceId: string, serviceName: string): Listener[] {
    const udp = this.targets
      .live(namespaceId, serviceName, this.registry.clock.now())
      .map((t): Listener => ({ kind: 'udp', ip: t.ip, port: t.port, agent: t.client.agent, app: t.app }));
    const watchers = this.hub.watchersOf(namespaceId, serviceName).map(({ client }): Listener => ({
      kind: 'watch',
      ip: client.ip,
      port: client.port,
      agent: client.agent,
      app: 'unknown',
    }));
    const connected = [...this.connections.of(serviceKeyOf(namespaceId, serviceName)).keys()].map(
      ({ describe }): Listener => ({
        kind: 'grpc',
        connectionId: describe.id,
        ip: describe.ip,
        port: describe.port,
        agent: describe.agent,
        app: describe.app,
      }),
    );
    return [...udp, ...watchers, ...connected];
  }
}
