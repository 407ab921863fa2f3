import { Controller, Delete, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { DEFAULT_GROUP, Registry, type Service } from '@beacon/core';
import { Params } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import { Subscriptions } from '../push/subscriptions.js';
import { groupedServiceOf, namespaceOf, serviceCommandOf } from './nacos-params.js';

@Controller('nacos/v1/ns/service')
export class ServiceController {
  constructor(
    @Inject(Registry) private readonly registry: Registry,
    @Inject(Subscriptions) private readonly subscriptions: Subscriptions,
  ) {}

  @Post()
  @HttpCode(200)
  create(@Params() p: ParamReader): string {
    this.registry.createService(serviceCommandOf(p, false));
    return 'ok';
  }

  @Delete()
  remove(@Params() p: ParamReader): string {
    this.registry.deleteService(namespaceOf(p), groupedServiceOf(p));
    return 'ok';
  }

  /** Metadata and selector are replaced: omitting them resets them, as in Nacos. */
  @Put()
  update(@Params() p: ParamReader): string {
    this.registry.updateService(serviceCommandOf(p, true));
    return 'ok';
  }

  @Get()
  detail(@Params() p: ParamReader): object {
    const service = this.registry.getService(namespaceOf(p), groupedServiceOf(p));
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
  list(@Params() p: ParamReader): object {
    const pageNo = lenientInt(p.required('pageNo'));
    const pageSize = lenientInt(p.required('pageSize'));
    const group = p.get('groupName') ?? DEFAULT_GROUP;
    const names: string[] = [];
    for (const service of this.registry.services(namespaceOf(p))) {
      if (group === '*') names.push(service.name);
      else if (service.groupName === group) names.push(service.bareName);
    }
    names.sort();
    const start = Math.max(0, (pageNo - 1) * pageSize);
    return { doms: pageSize <= 0 ? [] : names.slice(start, start + pageSize), count: names.length };
  }

  @Get('names')
  names(@Params() p: ParamReader): object {
    const expr = p.get('expr');
    const wanted = p.get('namespaceId');
    const services: Record<string, string[]> = {};
    for (const ns of wanted ? [namespaceOf(p)] : this.registry.namespaceIds()) {
      const names = [...this.registry.services(ns)]
        .map((s: Service) => s.name)
        .filter((n) => expr === undefined || n.includes(expr));
      if (names.length > 0) services[ns] = names;
    }
    return { services, count: Object.keys(services).length };
  }

  @Get('subscribers')
  subscribers(@Params() p: ParamReader): object {
    const serviceName = groupedServiceOf(p);
    const pageNo = Math.max(1, p.int('pageNo', 1));
    const pageSize = Math.max(1, p.int('pageSize', 1000));
    const all = this.subscriptions.subscribers(namespaceOf(p), serviceName);
    const start = (pageNo - 1) * pageSize;
    return {
      subscribers: all.slice(start, start + pageSize).map(({ port: _port, ...s }) => s),
      count: all.length,
    };
  }
}

/** Nacos's NumberUtils.toInt: anything that is not an int becomes 0. */
function lenientInt(raw: string): number {
  return /^[+-]?\d{1,9}$/.test(raw) ? Number(raw) : 0;
}
