import { Inject, Injectable } from '@nestjs/common';
import { Registry } from '@beacon/core';
import type { ClientInfo } from '../wire/client-info.js';
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

export interface Listener {
  readonly kind: 'udp' | 'watch';
  readonly ip: string;
  readonly port: number;
  readonly agent: string;
  readonly app: string;
}

/**
 * Who listens to which service. `/instance/list` reports every push-capable query here (the
 * caller becomes or stays a UDP push target); `/service/subscribers` lists the live UDP targets
 * and the watch streams that see the service.
 */
@Injectable()
export class Subscriptions {
  constructor(
    @Inject(Registry) private readonly registry: Registry,
    @Inject(PushTargets) private readonly targets: PushTargets,
    @Inject(UdpPusher) private readonly pusher: UdpPusher,
    @Inject(WatchHub) private readonly hub: WatchHub,
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
    return [...udp, ...watchers];
  }
}
