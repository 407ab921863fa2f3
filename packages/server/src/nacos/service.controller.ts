import { Controller, Delete, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { DEFAULT_GROUP } from '@beacon/core';
import { DiscoveryService } from '../application/discovery-service.js';
import { ServiceCatalog } from '../application/service-catalog.js';
import { Params, CurrentActor } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import { groupedServiceOf, namespaceOf } from '../wire/nacos-names.js';
import { labelMatchOf, lenientInt, nameSearchOf, serviceCommandOf } from '../nacos-common/nacos-params.js';
import type { ServiceDetail, ServiceNamePage, ServiceNamesByNamespace, SubscriberPage } from './responses.js';
import type { Actor } from '../wire/actor.js';

@Controller('nacos/v1/ns/service')
export class ServiceController {
  constructor(
    @Inject(ServiceCatalog) private readonly catalog: ServiceCatalog,
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
  ) {}

  @Post()
  @HttpCode(200)
  async create(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<string> {
    await this.catalog.create(serviceCommandOf(p, false), actor);
    return 'ok';
  }

  @Delete()
  async remove(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<string> {
    await this.catalog.delete(namespaceOf(p), groupedServiceOf(p), actor);
    return 'ok';
  }

  /** Metadata and selector are replaced: omitting them resets them, as in Nacos. */
  @Put()
  async update(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<string> {
    await this.catalog.replace(serviceCommandOf(p, true), actor);
    return 'ok';
  }

  @Get()
  detail(@Params() p: ParamReader): ServiceDetail {
    const service = this.catalog.get(namespaceOf(p), groupedServiceOf(p));
    return {
      name: service.bareName,
      namespaceId: service.namespaceId,
      protectThreshold: service.settings.protectThreshold,
      metadata: service.settings.metadata,
      selector: service.settings.selector,
      groupName: service.groupName,
      clusters: [...service.clusters.values()].map((c) => ({
        name: c.name,
        healthChecker: c.settings.healthChecker,
        metadata: c.settings.metadata,
      })),
    };
  }

  /** Paged names of one group (`*` for all groups, then still grouped). Non-numbers page as 0. */
  @Get('list')
  list(@Params() p: ParamReader): ServiceNamePage {
    const pageNo = lenientInt(p.required('pageNo'));
    const pageSize = lenientInt(p.required('pageSize'));
    const group = p.get('groupName') ?? DEFAULT_GROUP;
    const label = labelMatchOf(p);
    const { names, total } = this.catalog.groupNames(namespaceOf(p), group, label, { pageNo, pageSize });
    return { doms: names, count: total };
  }

  @Get('names')
  names(@Params() p: ParamReader): ServiceNamesByNamespace {
    const wanted = p.get('namespaceId');
    const services = this.catalog.namesByNamespace(wanted ? namespaceOf(p) : undefined, nameSearchOf(p));
    return { services, count: Object.keys(services).length };
  }

  @Get('subscribers')
  subscribers(@Params() p: ParamReader): SubscriberPage {
    const serviceName = groupedServiceOf(p);
    const page = { pageNo: p.int('pageNo', 1), pageSize: p.int('pageSize', 1000) };
    const { subscribers, count } = this.discovery.subscriberPage(namespaceOf(p), serviceName, page);
    return { subscribers: subscribers.map(({ port: _port, ...s }) => s), count };
  }
}
