import { Body, Controller, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { NotFoundError, Registry } from '@beacon/core';
import { ServiceHealthHistory, HISTORY_KEPT_MS, HISTORY_RESOLUTION_MS } from '../history/service-health-history.js';
import { Subscriptions } from '../push/subscriptions.js';
import { ClusterDto, ClusterUpdateDto, HealthHistoryDto, SubscriberDto } from './dto/service.dto.js';
import { ErrorDto } from './dto/status.dto.js';
import { ClusterSettingsEditor } from './cluster-settings-editor.js';
import { findServiceOrThrow } from './service-lookup.js';
import { queryInt } from './services.controller.js';
import { toClusterDto } from './views.js';

/** What goes on around one service: who listens, how its health went, how its clusters are checked. */
@ApiTags('services')
@ApiResponse({ status: 400, type: ErrorDto, description: 'Invalid request' })
@ApiResponse({ status: 404, type: ErrorDto, description: 'No such service' })
@Controller('api/v1/namespaces/:namespaceId/services/:groupName/:serviceName')
export class ServiceActivityController {
  private readonly clusters: ClusterSettingsEditor;

  constructor(
    @Inject(Registry) private readonly registry: Registry,
    @Inject(Subscriptions) private readonly subscriptions: Subscriptions,
    @Inject(ServiceHealthHistory) private readonly history: ServiceHealthHistory,
  ) {
    this.clusters = new ClusterSettingsEditor(registry);
  }

  @Get('subscribers')
  @ApiOperation({
    operationId: 'listSubscribers',
    summary: 'Nacos clients receiving UDP pushes and open watch streams',
  })
  @ApiOkResponse({ type: [SubscriberDto] })
  subscribers(
    @Param('namespaceId') namespaceId: string,
    @Param('groupName') groupName: string,
    @Param('serviceName') serviceName: string,
  ): SubscriberDto[] {
    const service = findServiceOrThrow(this.registry, namespaceId, groupName, serviceName);
    return this.subscriptions.listeners(service.namespaceId, service.name).map((l) => ({ ...l }));
  }

  @Get('health-history')
  @ApiOperation({
    operationId: 'getHealthHistory',
    summary: 'Healthy and unhealthy instance counts over the last hour',
  })
  @ApiQuery({
    name: 'windowMs',
    required: false,
    schema: { type: 'integer', minimum: 1000, maximum: HISTORY_KEPT_MS, default: HISTORY_KEPT_MS },
    description: 'How far back from now',
  })
  @ApiOkResponse({ type: HealthHistoryDto })
  healthHistory(
    @Param('namespaceId') namespaceId: string,
    @Param('groupName') groupName: string,
    @Param('serviceName') serviceName: string,
    @Query('windowMs') windowText?: string,
  ): HealthHistoryDto {
    const service = findServiceOrThrow(this.registry, namespaceId, groupName, serviceName);
    const windowMs = queryInt('windowMs', windowText, HISTORY_KEPT_MS, 1000, HISTORY_KEPT_MS);
    return {
      resolutionMs: HISTORY_RESOLUTION_MS,
      keptMs: HISTORY_KEPT_MS,
      points: this.history.of(service, this.registry.clock.now() - windowMs),
    };
  }

  @Put('clusters/:clusterName')
  @ApiOperation({ operationId: 'updateCluster', summary: "Change how a cluster's persistent instances are checked" })
  @ApiBody({ type: ClusterUpdateDto })
  @ApiOkResponse({ type: ClusterDto })
  updateCluster(
    @Param('namespaceId') namespaceId: string,
    @Param('groupName') groupName: string,
    @Param('serviceName') serviceName: string,
    @Param('clusterName') clusterName: string,
    @Body() body: unknown,
  ): ClusterDto {
    const service = findServiceOrThrow(this.registry, namespaceId, groupName, serviceName);
    if (!service.cluster(clusterName)) throw new NotFoundError(`cluster ${clusterName} not found in ${service.name}`);
    return toClusterDto(this.clusters.update(service, clusterName, body), this.registry);
  }
}
