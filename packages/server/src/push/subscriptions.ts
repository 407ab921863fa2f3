import { Inject, Injectable } from '@nestjs/common';
import { Registry } from '@beacon/core';
import type { ClientInfo } from '../wire/client-info.js';
import { ConnectionSubscribers, serviceKeyOf } from './connection-subscribers.js';
import { PushTargets } from './push-targets.js';
import { UdpPusher } from './udp-pusher.js';
import { WatchHub } from './watch-hub.js';

export interface ListQuery {
  readonly namespaceId: string;
  readonly serviceName: string;
  readonly clusters: string;
  readonly clientIP: string;
  readonly udpPort: number;
  readonly client: ClientInfo;
  readonly app: string;
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
  ) {}

  /** Whether the caller now receives UDP pushes, which sets the `cacheMillis` it is told. */
  onListQuery(query: ListQuery): boolean {
    if (!this.pusher.ready) return false;
    this.targets.touch(
      {
        namespaceId: query.namespaceId,
        serviceName: query.serviceName,
        clusters: query.clusters,
        ip: query.clientIP,
        port: query.udpPort,
        client: query.client,
        app: query.app,
      },
      this.registry.clock.now(),
    );
    return true;
  }

  subscribers(namespaceId: string, serviceName: string): Subscriber[] {
    const udp = this.targets.live(namespaceId, serviceName, this.registry.clock.now()).map((t) => ({
      addrStr: `${t.ip}:${t.port}`,
      agent: t.client.agent,
      app: t.app,
      ip: t.ip,
      port: t.port,
      namespaceId,
      serviceName,
    }));
    const watchers = this.hub.watchersOf(namespaceId, serviceName).map(({ client }) => ({
      addrStr: `${client.ip}:${client.port}`,
      agent: client.agent,
      app: 'unknown',
      ip: client.ip,
      port: client.port,
      namespaceId,
      serviceName,
    }));
    const connected = [...this.connections.of(serviceKeyOf(namespaceId, serviceName)).keys()].map(({ describe }) => ({
      addrStr: `${describe.ip}:${describe.port}`,
      agent: describe.agent,
      app: describe.app,
      ip: describe.ip,
      port: describe.port,
      namespaceId,
      serviceName,
    }));
    return [...udp, ...watchers, ...connected];
  }
}
