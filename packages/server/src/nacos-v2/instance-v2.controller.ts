import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, Put } from '@nestjs/common';
import { DEFAULT_CLUSTER, parseMetadata, type BeatReply } from '@beacon/core';
import { DiscoveryService } from '../application/discovery-service.js';
import { BeatService } from '../application/beat-service.js';
import { InstanceService } from '../application/instance-service.js';
import {
  beatCommandOf,
  deregisterCommandOf,
  instanceAddressOf,
  instanceListOf,
  patchCommandOf,
  registrationOf,
} from '../nacos-common/nacos-params.js';
import { success, type NacosResult } from '../http/nacos-v2-result.js';
import type { ParamReader } from '../http/param-reader.js';
import { Client, Params, SourceAddress, CurrentActor } from '../http/request-context.js';
import type { ClientInfo } from '../wire/client-info.js';
import { groupedServiceOf, namespaceOf } from '../wire/nacos-names.js';
import { buildServiceInfoV2, type ServiceInfoV2 } from '../wire/nacos-service-info-v2.js';
import type { BatchMetadataV2, InstanceDetailV2 } from './responses.js';
import type { Actor } from '../wire/actor.js';

/** Nacos 2.x's InstanceControllerV2: the same commands as /nacos/v1, answered as Results. */
@Controller('nacos/v2/ns/instance')
export class InstanceV2Controller {
  constructor(
    @Inject(InstanceService) private readonly instances: InstanceService,
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(BeatService) private readonly beats: BeatService,
  ) {}

  @Post()
  @HttpCode(200)
  async register(@Params() p: ParamReader): Promise<NacosResult<string>> {
    await this.instances.register(registrationOf(p));
    return success('ok');
  }

  @Delete()
  async deregister(@Params() p: ParamReader): Promise<NacosResult<string>> {
    await this.instances.deregister(deregisterCommandOf(p));
    return success('ok');
  }

  /** Changes an instance that exists; unlike 1.x's PUT it never registers one. */
  @Put()
  async update(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<NacosResult<string>> {
    await this.instances.updateExisting(registrationOf(p), actor);
    return success('ok');
  }

  /** Nacos answers the bare text `ok` here, not a Result. */
  @Patch()
  async patch(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<string> {
    await this.instances.patch(patchCommandOf(p), actor);
    return 'ok';
  }

  @Get()
  detail(@Params() p: ParamReader): NacosResult<InstanceDetailV2> {
    const address = instanceAddressOf(p, p.get('clusterName') ?? DEFAULT_CLUSTER);
    const i = this.instances.get(address);
    return success({
      serviceName: address.serviceName,
      ip: i.ip,
      port: i.port,
      clusterName: i.clusterName,
      weight: i.weight,
      healthy: i.healthy,
      instanceId: i.instanceId,
      metadata: i.metadata,
    });
  }

  /** The 2.x ServiceInfo; `clusterName` is a comma-separated list. No UDP push on this API. */
  @Get('list')
  list(
    @Params() p: ParamReader,
    @Client() client: ClientInfo,
    @SourceAddress() sourceAddress: string,
  ): NacosResult<ServiceInfoV2> {
    const serviceName = groupedServiceOf(p);
    const clusters = p.get('clusterName') ?? '';
    const healthyOnly = p.bool('healthyOnly', false);
    const query = {
      namespaceId: namespaceOf(p),
      serviceName,
      clusters,
      udpPort: 0,
      clientIP: undefined,
      sourceAddress,
      app: p.get('app') ?? 'unknown',
    };
    const answer = this.discovery.queryHosts(query, client);
    const info = buildServiceInfoV2(answer.service, serviceName, clusters, healthyOnly, answer.cacheMillis, answer.now);
    // Unlike gRPC (bare name, group apart), Nacos's HTTP list answers the grouped name, "adapt for
    // v1.x sdk" (InstanceOperatorClientImpl.listInstance).
    return success({ ...info, name: serviceName });
  }

  /** The one bare answer of the API, as in Nacos: `{clientBeatInterval, code, lightBeatEnabled}`. */
  @Put('beat')
  beat(@Params() p: ParamReader): BeatReply {
    return this.beats.beat(beatCommandOf(p));
  }

  @Put('metadata/batch')
  batchUpdateMetadata(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<NacosResult<BatchMetadataV2>> {
    return this.batchMetadata(p, 'merge', actor);
  }

  @Delete('metadata/batch')
  batchDeleteMetadata(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<NacosResult<BatchMetadataV2>> {
    return this.batchMetadata(p, 'remove', actor);
  }

  private async batchMetadata(
    p: ParamReader,
    mode: 'merge' | 'remove',
    actor: Actor,
  ): Promise<NacosResult<BatchMetadataV2>> {
    const serviceName = groupedServiceOf(p);
    const metadata = parseMetadata(p.required('metadata'));
    const scope = { consistencyType: p.get('consistencyType'), listed: () => instanceListOf(p) };
    const updated = await this.instances.batchMetadata(namespaceOf(p), serviceName, scope, metadata, mode, actor);
    return success({ updated });
  }
}
