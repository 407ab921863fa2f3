import { Controller, Req, Delete, Get, HttpCode, Inject, Patch, Post, Put } from '@nestjs/common';
import { DEFAULT_CLUSTER, parseMetadata } from '@beacon/core';
import type { FastifyRequest } from 'fastify';
import { AuthGuard } from '../auth/auth-guard.js';
import { DiscoveryService } from '../application/discovery-service.js';
import { InstanceService } from '../application/instance-service.js';
import { Client, Params, SourceAddress, CurrentActor } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import type { ClientInfo } from '../wire/client-info.js';
import { groupedServiceOf, namespaceOf, statusesKeyOf } from '../wire/nacos-names.js';
import type { ServiceInfo } from '../wire/nacos-service-info.js';
import { hostListAnswer } from './host-list-answer.js';
import {
  deregisterCommandOf,
  instanceAddressOf,
  instanceListOf,
  patchCommandOf,
  registrationOf,
} from '../nacos-common/nacos-params.js';
import type { BatchMetadataResult, EmptyAnswer, InstanceDetail, InstanceStatuses } from './responses.js';
import type { Actor } from '../wire/actor.js';

@Controller('nacos/v1/ns/instance')
export class InstanceController {
  constructor(
    @Inject(InstanceService) private readonly instances: InstanceService,
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(AuthGuard) private readonly guard: AuthGuard,
  ) {}

  @Post()
  @HttpCode(200)
  async register(@Params() p: ParamReader): Promise<string> {
    await this.instances.register(registrationOf(p));
    return 'ok';
  }

  @Delete()
  async deregister(@Params() p: ParamReader): Promise<string> {
    await this.instances.deregister(deregisterCommandOf(p));
    return 'ok';
  }

  /** Strict update for Java clients from 1.0.0; an upsert for everyone else, the console included. */
  @Put()
  async update(@Params() p: ParamReader, @Client() client: ClientInfo, @CurrentActor() actor: Actor): Promise<string> {
    await this.instances.update(registrationOf(p), client, actor);
    return 'ok';
  }

  @Patch()
  async patch(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<string> {
    await this.instances.patch(patchCommandOf(p), actor);
    return 'ok';
  }

  @Get()
  detail(@Params() p: ParamReader): InstanceDetail {
    const address = instanceAddressOf(p, p.get('clusterName') ?? DEFAULT_CLUSTER);
    const i = this.instances.get(address);
    return {
      service: address.serviceName,
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
  list(
    @Params() p: ParamReader,
    @Client() client: ClientInfo,
    @SourceAddress() sourceAddress: string,
    @Req() request: FastifyRequest,
  ): ServiceInfo | EmptyAnswer {
    return hostListAnswer(
      this.discovery,
      p,
      client,
      sourceAddress,
      p.bool('healthyOnly', false),
      this.guard.accessRecheck(request),
    );
  }

  // PUT beat is not here: it is the hot path, served by a lean Fastify route (beat.route.ts).

  /** Used between Nacos servers; with auth on, it needs read permission on the service like any read. */
  @Get('statuses')
  statuses(@Params() p: ParamReader): InstanceStatuses {
    const { namespaceId, serviceName } = statusesKeyOf(p);
    return { ips: this.instances.instancesOf(namespaceId, serviceName).map((i) => `${i.ip}:${i.port}_${i.healthy}`) };
  }

  @Put('metadata/batch')
  batchUpdateMetadata(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<BatchMetadataResult> {
    return this.batchMetadata(p, 'merge', actor);
  }

  @Delete('metadata/batch')
  batchDeleteMetadata(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<BatchMetadataResult> {
    return this.batchMetadata(p, 'remove', actor);
  }

  private async batchMetadata(p: ParamReader, mode: 'merge' | 'remove', actor: Actor): Promise<BatchMetadataResult> {
    const serviceName = groupedServiceOf(p);
    const metadata = parseMetadata(p.required('metadata'));
    const scope = { consistencyType: p.get('consistencyType'), listed: () => instanceListOf(p) };
    return { updated: await this.instances.batchMetadata(namespaceOf(p), serviceName, scope, metadata, mode, actor) };
  }
}
