import { Controller, Delete, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { DEFAULT_GROUP } from '@beacon/core';
import { ServiceCatalog } from '../application/service-catalog.js';
import { serviceCommandOf } from '../nacos-common/nacos-params.js';
import { success, type NacosResult } from '../http/nacos-v2-result.js';
import type { ParamReader } from '../http/param-reader.js';
import { Params, CurrentActor } from '../http/request-context.js';
import { groupedServiceOf, namespaceOf } from '../wire/nacos-names.js';
import type { ServiceDetailV2, ServiceNameViewV2 } from './responses.js';
import type { Actor } from '../wire/actor.js';

/** Nacos's ServiceControllerV2 caps a page at this many names. */
const MAX_PAGE_SIZE = 500;

/** Nacos 2.x's ServiceControllerV2. */
@Controller('nacos/v2/ns/service')
export class ServiceV2Controller {
  constructor(@Inject(ServiceCatalog) private readonly catalog: ServiceCatalog) {}

  @Post()
  @HttpCode(200)
  async create(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<NacosResult<string>> {
    await this.catalog.create(serviceCommandOf(p, false), actor);
    return success('ok');
  }

  /** Only an empty service: 2.x refuses to delete one that still has instances. */
  @Delete()
  async remove(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<NacosResult<string>> {
    await this.catalog.deleteEmpty(namespaceOf(p), groupedServiceOf(p), actor);
    return success('ok');
  }

  /** Replaces the settings: what is left out (metadata, selector, threshold) is reset, as in Nacos. */
  @Put()
  async update(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<NacosResult<string>> {
    await this.catalog.replace(serviceCommandOf(p, false), actor);
    return success('ok');
  }

  @Get()
  detail(@Params() p: ParamReader): NacosResult<ServiceDetailV2> {
    const service = this.catalog.require(namespaceOf(p), groupedServiceOf(p));
    return success({
      namespace: service.namespaceId,
      serviceName: service.bareName,
      groupName: service.groupName,
      clusterMap: Object.fromEntries(
        [...service.clusters.values()].map((c) => [
          c.name,
          { clusterName: c.name, healthChecker: c.settings.healthChecker, metadata: c.settings.metadata, hosts: null },
        ]),
      ),
      metadata: service.settings.metadata,
      protectThreshold: service.settings.protectThreshold,
      selector: service.settings.selector,
      ephemeral: [...service.instances()].every((i) => i.ephemeral),
    });
  }

  /** Bare names of one group (no `*` here); Nacos 2.x ignores `selector` on this route, and so does Beacon. */
  @Get('list')
  list(@Params() p: ParamReader): NacosResult<ServiceNameViewV2> {
    const group = p.get('groupName') ?? DEFAULT_GROUP;
    const page = { pageNo: p.int('pageNo', 1), pageSize: Math.min(MAX_PAGE_SIZE, p.int('pageSize', 20)) };
    const { services, total } = this.catalog.list(namespaceOf(p), { group: { equals: group } }, page);
    return success({ count: total, services: services.map((s) => s.bareName) });
  }
}
