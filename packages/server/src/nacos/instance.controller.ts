import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, Put } from '@nestjs/common';
import { DEFAULT_CLUSTER, InvalidParameterError, NotFoundError, parseMetadata, Registry } from '@beacon/core';
import { Client, Params, SourceAddress } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import { Subscriptions } from '../push/subscriptions.js';
import { canReceivePush, isModernJava, type ClientInfo } from './client-info.js';
import {
  deregisterCommandOf,
  groupedServiceOf,
  namespaceOf,
  patchCommandOf,
  registerCommandOf,
  statusesKeyOf,
} from './nacos-params.js';
import { buildServiceInfo } from './service-info.js';

@Controller('nacos/v1/ns/instance')
export class InstanceController {
  constructor(
    @Inject(Registry) private readonly registry: Registry,
    @Inject(Subscriptions) private readonly subscriptions: Subscriptions,
  ) {}

  @Post()
  @HttpCode(200)
  register(@Params() p: ParamReader): string {
    this.registry.registerInstance(registerCommandOf(p, this.registry.switches));
    return 'ok';
  }

  @Delete()
  deregister(@Params() p: ParamReader): string {
    this.registry.deregisterInstance(deregisterCommandOf(p));
    return 'ok';
  }

  /** Strict update for Java clients from 1.0.0; an upsert for everyone else, the console included. */
  @Put()
  update(@Params() p: ParamReader, @Client() client: ClientInfo): string {
    this.registry.updateInstance(registerCommandOf(p, this.registry.switches), isModernJava(client));
    return 'ok';
  }

  @Patch()
  patch(@Params() p: ParamReader): string {
    this.registry.patchInstance(patchCommandOf(p));
    return 'ok';
  }

  @Get()
  detail(@Params() p: ParamReader): object {
    const serviceName = groupedServiceOf(p);
    const ip = p.required('ip');
    const port = p.requiredInt('port');
    const clusterName = p.get('clusterName') ?? DEFAULT_CLUSTER;
    const i = this.registry.getInstance(namespaceOf(p), serviceName, clusterName, ip, port);
    return {
      service: serviceName,
      ip: i.ip,
      port: i.port,
      clusterName: i.clusterName,
      weight: i.weight,
      healthy: i.healthy,
      instanceId: i.instanceId,
      metadata: i.metadata,
    };
  }

  @Get('list')
  list(@Params() p: ParamReader, @Client() client: ClientInfo, @SourceAddress() sourceAddress: string): object {
    const serviceName = groupedServiceOf(p);
    const namespaceId = namespaceOf(p);
    const clusters = p.get('clusters') ?? '';
    const udpPort = p.int('udpPort', 0);
    const switches = this.registry.switches;
    const pushed =
      switches.pushEnabled &&
      canReceivePush(client) &&
      this.subscriptions.onListQuery({
        namespaceId,
        serviceName,
        clusters,
        clientIP: p.get('clientIP'),
        sourceAddress,
        udpPort,
        client,
        app: p.get('app') ?? 'unknown',
      });
    if (p.bool('isCheck', false)) return {};
    const service = this.registry.findService(namespaceId, serviceName);
    return buildServiceInfo(
      service,
      {
        serviceName,
        clusters,
        healthyOnly: p.bool('healthyOnly', false),
        groupedNames: isModernJava(client),
        cacheMillis: pushed && service ? switches.defaultPushCacheMillis : switches.defaultCacheMillis,
        env: p.get('env') ?? '',
      },
      this.registry.clock.now(),
    );
  }

  // PUT beat is not here: it is the hot path, served by a lean Fastify route (beat.route.ts).

  /** Used between Nacos servers; with auth on, it needs read permission on the service like any read. */
  @Get('statuses')
  statuses(@Params() p: ParamReader): object {
    const { namespaceId, serviceName } = statusesKeyOf(p);
    const service = this.registry.findService(namespaceId, serviceName);
    if (!service) throw new NotFoundError(`service: ${serviceName} not found.`);
    const ips: string[] = [];
    for (const i of service.instances()) ips.push(`${i.ip}:${i.port}_${i.healthy}`);
    return { ips };
  }

  @Put('metadata/batch')
  batchUpdateMetadata(@Params() p: ParamReader): object {
    return this.batchMetadata(p, 'merge');
  }

  @Delete('metadata/batch')
  batchDeleteMetadata(@Params() p: ParamReader): object {
    return this.batchMetadata(p, 'remove');
  }

  private batchMetadata(p: ParamReader, mode: 'merge' | 'remove'): object {
    const serviceName = groupedServiceOf(p);
    const metadata = parseMetadata(p.required('metadata'));
    const consistencyType = p.get('consistencyType');
    let targets: Parameters<Registry['batchMetadata']>[2];
    if (consistencyType === 'ephemeral' || consistencyType === 'persist') {
      targets = consistencyType;
    } else {
      targets = parseInstanceList(p.get('instances') ?? '[]');
    }
    return { updated: this.registry.batchMetadata(namespaceOf(p), serviceName, targets, metadata, mode) };
  }
}

function parseInstanceList(raw: string): { ip: string; port: number; ephemeral: boolean; clusterName: string }[] {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InvalidParameterError(`instances format incorrect:${raw}`);
  }
  if (!Array.isArray(value)) throw new InvalidParameterError(`instances format incorrect:${raw}`);
  return value.map((item: unknown) => {
    const v = (item ?? {}) as Record<string, unknown>;
    const port = Number(v['port']);
    if (typeof v['ip'] !== 'string' || !Number.isInteger(port)) {
      throw new InvalidParameterError(`instances format incorrect:${raw}`);
    }
    return {
      ip: v['ip'],
      port,
      ephemeral: v['ephemeral'] !== false && v['ephemeral'] !== 'false',
      clusterName: typeof v['clusterName'] === 'string' && v['clusterName'] !== '' ? v['clusterName'] : DEFAULT_CLUSTER,
    };
  });
}
