import { Body, Controller, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { normalizeNamespace, toGroupedName } from '@beacon/core';
import { HISTORY_KEPT_MS } from '../application/health-history.js';
import { ServiceInsights } from '../application/service-insights.js';
import { BodyReader } from '../http/body-reader.js';
import { queryInt } from '../http/query-values.js';
import { ClusterDto, ClusterUpdateDto, HealthHistoryDto, SubscriberDto } from '../wire/dto/service.dto.js';
import { ErrorDto } from '../wire/dto/status.dto.js';
import { NativeViews } from '../wire/native-views.js';
import { CurrentActor } from '../http/request-context.js';
import type { Actor } from '../wire/actor.js';

/** What goes on around one service: who listens, how its health went, how its clusters are checked. */
@ApiTags('services')
@ApiResponse({ status: 400, type: ErrorDto, description: 'Invalid request' })
@ApiResponse({ status: 404, type: ErrorDto, description: 'No such service' })
@Controller('api/v1/namespaces/:namespaceId/services/:groupName/:serviceName')
export class ServiceActivityController {
  constructor(
    @Inject(ServiceInsights) private readonly insights: ServiceInsights,
    @Inject(NativeViews) private readonly views: NativeViews,
  ) {}

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
    return this.insights
      .subscribers(normalizeNamespace(namespaceId), toGroupedName(serviceName, groupName))
      .map((l) => ({ ...l }));
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
    const windowMs = queryInt('windowMs', windowText, HISTORY_KEPT_MS, 1000, HISTORY_KEPT_MS);
    return this.insights.healthHistory(
      normalizeNamespace(namespaceId),
      toGroupedName(serviceName, groupName),
      windowMs,
    );
  }

  @Put('clusters/:clusterName')
  @ApiOperation({ operationId: 'updateCluster', summary: "Change how a cluster's persistent instances are checked" })
  @ApiBody({ type: ClusterUpdateDto })
  @ApiOkResponse({ type: ClusterDto })
  async updateCluster(
    @Param('namespaceId') namespaceId: string,
    @Param('groupName') groupName: string,
    @Param('serviceName') serviceName: string,
    @Param('clusterName') clusterName: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
  ): Promise<ClusterDto> {
    const b = new BodyReader(body);
    const cluster = await this.insights.editClusterCheck(
      normalizeNamespace(namespaceId),
      toGroupedName(serviceName, groupName),
      clusterName,
      {
        healthChecker: (body as Record<string, unknown> | null | undefined)?.['healthChecker'],
        checkPort: b.number('checkPort', 1, 65535),
        useInstancePort: b.boolean('useInstancePort'),
      },
      actor,
    );
    return this.views.cluster(cluster);
  }
}
