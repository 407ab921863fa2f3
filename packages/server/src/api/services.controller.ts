import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InvalidParameterError, normalizeNamespace, toGroupedName } from '@beacon/core';
import { HEALTH_STATES, SERVICE_ORDERS, ServiceCatalog } from '../application/service-catalog.js';
import { BodyReader } from '../http/body-reader.js';
import { queryChoice, queryInt } from '../http/query-values.js';
import { ServiceCreateDto, ServiceDetailDto, ServicePageDto, ServiceUpdateDto } from '../wire/dto/service.dto.js';
import { ErrorDto } from '../wire/dto/status.dto.js';
import { NativeViews } from '../wire/native-views.js';
import { CurrentActor } from '../http/request-context.js';
import type { Actor } from '../wire/actor.js';

@ApiTags('services')
@ApiResponse({ status: 400, type: ErrorDto, description: 'Invalid request' })
@Controller('api/v1/namespaces/:namespaceId/services')
export class ServicesController {
  constructor(
    @Inject(ServiceCatalog) private readonly catalog: ServiceCatalog,
    @Inject(NativeViews) private readonly views: NativeViews,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listServices',
    summary: 'Services with instance and health counts, filtered, sorted and paged',
  })
  @ApiQuery({ name: 'search', required: false, description: 'Substring of the service name' })
  @ApiQuery({ name: 'group', required: false, description: 'Exact group name' })
  @ApiQuery({
    name: 'health',
    required: false,
    enum: ['all', ...HEALTH_STATES],
    description: 'Keep only services in this state (`unhealthy` includes those whose protection is reached)',
  })
  @ApiQuery({
    name: 'hideEmpty',
    required: false,
    schema: { type: 'boolean', default: false },
    description: 'Leave out services without instances, except those that lost them all recently (an outage)',
  })
  @ApiQuery({
    name: 'sort',
    required: false,
    enum: SERVICE_ORDERS,
    description:
      '`health`: services that lost every instance recently first, then protection reached, then most unhealthy; `name` (default): by group and name',
  })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1, default: 1 } })
  @ApiQuery({ name: 'pageSize', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 20 } })
  @ApiOkResponse({ type: ServicePageDto })
  list(
    @Param('namespaceId') namespaceId: string,
    @Query('search') search?: string,
    @Query('group') group?: string,
    @Query('health') healthText?: string,
    @Query('hideEmpty') hideEmptyText?: string,
    @Query('sort') sortText?: string,
    @Query('page') pageText?: string,
    @Query('pageSize') pageSizeText?: string,
  ): ServicePageDto {
    const page = queryInt('page', pageText, 1, 1, 1_000_000);
    const pageSize = queryInt('pageSize', pageSizeText, 20, 1, 500);
    const health = queryChoice('health', healthText, ['all', ...HEALTH_STATES], 'all');
    const hideEmpty = queryChoice('hideEmpty', hideEmptyText, ['true', 'false'], 'false') === 'true';
    const order = queryChoice('sort', sortText, SERVICE_ORDERS, 'name');
    const { services, total, pageNo, summary } = this.catalog.search(
      normalizeNamespace(namespaceId),
      { search, group, health, hideEmpty },
      { pageNo: page, pageSize, order },
    );
    return {
      items: services.map((s) => this.views.listedService(s, this.catalog.lostAllInstancesAt(s))),
      total,
      page: pageNo,
      pageSize,
      summary,
    };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createService', summary: 'Create a service' })
  @ApiBody({ type: ServiceCreateDto })
  @ApiResponse({ status: 201, type: ServiceDetailDto })
  @ApiResponse({ status: 409, type: ErrorDto, description: 'The service exists' })
  async create(
    @Param('namespaceId') namespaceId: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
  ): Promise<ServiceDetailDto> {
    const b = new BodyReader(body);
    const name = b.string('name');
    if (!name) throw new InvalidParameterError('name is required');
    const service = await this.catalog.define(
      normalizeNamespace(namespaceId),
      toGroupedName(name, b.string('groupName')),
      {
        protectThreshold: b.number('protectThreshold', 0, 1),
        metadata: b.stringMap('metadata'),
      },
      actor,
    );
    return this.views.serviceDetail(service);
  }

  @Get(':groupName/:serviceName')
  @ApiOperation({ operationId: 'getService', summary: 'A service with its clusters and instances' })
  @ApiOkResponse({ type: ServiceDetailDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  detail(
    @Param('namespaceId') namespaceId: string,
    @Param('groupName') groupName: string,
    @Param('serviceName') serviceName: string,
  ): ServiceDetailDto {
    const service = this.catalog.require(normalizeNamespace(namespaceId), toGroupedName(serviceName, groupName));
    return this.views.serviceDetail(service);
  }

  @Put(':groupName/:serviceName')
  @ApiOperation({
    operationId: 'updateService',
    summary: 'Change protect threshold, metadata and the default beat interval',
  })
  @ApiBody({ type: ServiceUpdateDto })
  @ApiOkResponse({ type: ServiceDetailDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async update(
    @Param('namespaceId') namespaceId: string,
    @Param('groupName') groupName: string,
    @Param('serviceName') serviceName: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
  ): Promise<ServiceDetailDto> {
    const b = new BodyReader(body);
    const updated = await this.catalog.edit(
      normalizeNamespace(namespaceId),
      toGroupedName(serviceName, groupName),
      {
        protectThreshold: b.number('protectThreshold', 0, 1),
        metadata: b.stringMap('metadata'),
        defaultBeatIntervalMs: b.number('defaultBeatIntervalMs', 1000, 3_600_000, true),
      },
      actor,
    );
    return this.views.serviceDetail(updated);
  }

  @Delete(':groupName/:serviceName')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteService', summary: 'Delete a service and its instances' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse({ status: 404, type: ErrorDto })
  async remove(
    @Param('namespaceId') namespaceId: string,
    @Param('groupName') groupName: string,
    @Param('serviceName') serviceName: string,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.catalog.deleteExisting(normalizeNamespace(namespaceId), toGroupedName(serviceName, groupName), actor);
  }
}
