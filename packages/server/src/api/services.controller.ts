import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  InvalidParameterError,
  NO_SELECTOR,
  Registry,
  normalizeNamespace,
  toGroupedName,
  type Service,
} from '@beacon/core';
import { BodyReader } from './body.js';
import { ServiceCreateDto, ServiceDetailDto, ServicePageDto, ServiceUpdateDto } from './dto/service.dto.js';
import { ErrorDto } from './dto/status.dto.js';
import { findServiceOrThrow } from './service-lookup.js';
import { HEALTH_FILTERS, SERVICE_SORTS, listServices, parseChoice } from './service-listing.js';
import { toServiceDetail, toServiceSummary } from './views.js';

@ApiTags('services')
@ApiResponse({ status: 400, type: ErrorDto, description: 'Invalid request' })
@Controller('api/v1/namespaces/:namespaceId/services')
export class ServicesController {
  constructor(@Inject(Registry) private readonly registry: Registry) {}

  @Get()
  @ApiOperation({
    operationId: 'listServices',
    summary: 'Services with instance and health counts, filtered, sorted and paged',
  })
  @ApiQuery({ name: 'search', required: false, description: 'Substring of the service name' })
  @ApiQuery({ name: 'group', required: false, description: 'Exact group name' })
  @ApiQuery({ name: 'health', required: false, enum: HEALTH_FILTERS, description: 'Keep only services in this state' })
  @ApiQuery({
    name: 'hideEmpty',
    required: false,
    schema: { type: 'boolean', default: false },
    description: 'Leave out services without instances',
  })
  @ApiQuery({
    name: 'sort',
    required: false,
    enum: SERVICE_SORTS,
    description: '`health`: protection reached first, then most unhealthy; `name` (default): by group and name',
  })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1, default: 1 } })
  @ApiQuery({ name: 'pageSize', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 20 } })
  @ApiOkResponse({ type: ServicePageDto })
  list(
    @Param('namespaceId') namespaceId: string,
    @Query('search') search?: string,
    @Query('group') group?: string,
    @Query('health') health?: string,
    @Query('hideEmpty') hideEmpty?: string,
    @Query('sort') sort?: string,
    @Query('page') pageText?: string,
    @Query('pageSize') pageSizeText?: string,
  ): ServicePageDto {
    const listing = listServices(this.registry, {
      namespaceId: normalizeNamespace(namespaceId),
      search,
      group,
      health: parseChoice('health', health, HEALTH_FILTERS, 'all'),
      hideEmpty: parseChoice('hideEmpty', hideEmpty, ['true', 'false'], 'false') === 'true',
      sort: parseChoice('sort', sort, SERVICE_SORTS, 'name'),
      page: queryInt('page', pageText, 1, 1, 1_000_000),
      pageSize: queryInt('pageSize', pageSizeText, 20, 1, 500),
    });
    return {
      items: listing.rows.map(toServiceSummary),
      total: listing.total,
      page: listing.page,
      pageSize: listing.pageSize,
      summary: { ...listing.summary },
    };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createService', summary: 'Create a service' })
  @ApiBody({ type: ServiceCreateDto })
  @ApiResponse({ status: 201, type: ServiceDetailDto })
  @ApiResponse({ status: 409, type: ErrorDto, description: 'The service exists' })
  create(@Param('namespaceId') namespaceId: string, @Body() body: unknown): ServiceDetailDto {
    const b = new BodyReader(body);
    const name = b.string('name');
    if (!name) throw new InvalidParameterError('name is required');
    const service = this.registry.createService({
      namespaceId: normalizeNamespace(namespaceId),
      serviceName: toGroupedName(name, b.string('groupName')),
      protectThreshold: b.number('protectThreshold', 0, 1) ?? 0,
      metadata: b.stringMap('metadata') ?? {},
      selector: NO_SELECTOR,
    });
    return toServiceDetail(service, this.registry);
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
    return toServiceDetail(this.find(namespaceId, groupName, serviceName), this.registry);
  }

  @Put(':groupName/:serviceName')
  @ApiOperation({ operationId: 'updateService', summary: 'Change protect threshold and metadata' })
  @ApiBody({ type: ServiceUpdateDto })
  @ApiOkResponse({ type: ServiceDetailDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  update(
    @Param('namespaceId') namespaceId: string,
    @Param('groupName') groupName: string,
    @Param('serviceName') serviceName: string,
    @Body() body: unknown,
  ): ServiceDetailDto {
    const service = this.find(namespaceId, groupName, serviceName);
    const b = new BodyReader(body);
    const updated = this.registry.updateService({
      namespaceId: service.namespaceId,
      serviceName: service.name,
      protectThreshold: b.number('protectThreshold', 0, 1) ?? service.settings.protectThreshold,
      metadata: b.stringMap('metadata') ?? service.settings.metadata,
      selector: service.settings.selector,
    });
    return toServiceDetail(updated, this.registry);
  }

  @Delete(':groupName/:serviceName')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteService', summary: 'Delete a service and its instances' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse({ status: 404, type: ErrorDto })
  remove(
    @Param('namespaceId') namespaceId: string,
    @Param('groupName') groupName: string,
    @Param('serviceName') serviceName: string,
  ): void {
    const service = this.find(namespaceId, groupName, serviceName);
    this.registry.deleteService(service.namespaceId, service.name);
  }

  private find(namespaceId: string, groupName: string, serviceName: string): Service {
    return findServiceOrThrow(this.registry, namespaceId, groupName, serviceName);
  }
}

export function queryInt(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidParameterError(`${name} must be a whole number from ${min} to ${max}`);
  }
  return n;
}
