import { All, Controller, Get, Inject } from '@nestjs/common';
import { PreservedKeys, type Instance, type Service } from '@beacon/core';
import { pageOf, ServiceCatalog } from '../application/service-catalog.js';
import { Params } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import { groupedServiceOf, namespaceOf } from '../wire/nacos-names.js';
import type {
  CatalogInstancePage,
  CatalogServiceDetail,
  CatalogServicePage,
  CatalogServiceWithHosts,
  FullInstance,
} from './responses.js';

/** The endpoints the Nacos console uses to browse the registry. */
@Controller('nacos/v1/ns/catalog')
export class CatalogController {
  constructor(@Inject(ServiceCatalog) private readonly catalog: ServiceCatalog) {}

  @Get('services')
  services(@Params() p: ParamReader): CatalogServicePage | CatalogServiceWithHosts[] {
    const page = { pageNo: p.requiredInt('pageNo'), pageSize: p.requiredInt('pageSize') };
    const query = {
      nameContains: p.get('serviceNameParam'),
      groupContains: p.get('groupNameParam'),
      hostedAt: p.get('instance'),
      withInstances: p.bool('hasIpCount', false),
    };
    const hostsListed = p.bool('withInstances', false);
    const { services, total } = this.catalog.browse(namespaceOf(p), query, page, hostsListed);
    if (hostsListed) return services.map(withHosts);
    return {
      serviceList: services.map((s) => ({
        name: s.bareName,
        groupName: s.groupName,
        clusterCount: s.clusters.size,
        ipCount: s.instanceCount(),
        healthyInstanceCount: s.healthyCount(),
        triggerFlag: String(s.protectionReached()),
      })),
      count: total,
    };
  }

  @Get('service')
  service(@Params() p: ParamReader): CatalogServiceDetail {
    const service = this.catalog.get(namespaceOf(p), groupedServiceOf(p));
    return {
      service: {
        name: service.bareName,
        protectThreshold: service.settings.protectThreshold,
        groupName: service.groupName,
        selector: service.settings.selector,
        metadata: service.settings.metadata,
      },
      clusters: [...service.clusters.values()].map((c) => ({
        serviceName: service.name,
        name: c.name,
        healthChecker: c.settings.healthChecker,
        defaultPort: c.settings.defaultPort,
        defaultCheckPort: c.settings.defaultCheckPort,
        useIPPort4Check: c.settings.useIPPort4Check,
        metadata: c.settings.metadata,
        defIPPort: c.settings.defaultPort,
        defCkport: c.settings.defaultCheckPort,
        sitegroup: '',
        empty: c.size === 0,
      })),
    };
  }

  @All('instances')
  instances(@Params() p: ParamReader): CatalogInstancePage {
    const serviceName = groupedServiceOf(p);
    const clusterName = p.required('clusterName');
    const pageNo = p.requiredInt('pageNo');
    const pageSize = p.requiredInt('pageSize');
    const all = this.catalog.clusterInstances(namespaceOf(p), serviceName, clusterName);
    return { list: pageOf(all, { pageNo, pageSize }).map(fullInstance), count: all.length };
  }
}

function withHosts(s: Service): CatalogServiceWithHosts {
  return {
    serviceName: s.bareName,
    groupName: s.groupName,
    metadata: s.settings.metadata,
    clusterMap: Object.fromEntries(
      [...s.clusters.values()].map((c) => [
        c.name,
        {
          hosts: [...c.instances()].map((i) => ({
            ip: i.ip,
            port: i.port,
            metadata: i.metadata,
            valid: i.healthy,
            weight: i.weight,
            enabled: i.enabled,
          })),
        },
      ]),
    ),
  };
}

/** The full internal instance object of the Nacos console, nulls omitted. */
function fullInstance(i: Instance): FullInstance {
  const generator = i.metadata[PreservedKeys.idGenerator];
  const hasGenerator = Object.keys(i.metadata).length === 0 || generator !== undefined;
  return {
    instanceId: i.instanceId,
    ip: i.ip,
    port: i.port,
    weight: i.weight,
    healthy: i.healthy,
    enabled: i.enabled,
    ephemeral: i.ephemeral,
    clusterName: i.clusterName,
    serviceName: i.service.name,
    metadata: i.metadata,
    lastBeat: i.lastBeat,
    marked: i.marked,
    app: i.app,
    instanceHeartBeatInterval: i.timings.intervalMs,
    instanceHeartBeatTimeOut: i.timings.timeoutMs,
    ipDeleteTimeout: i.timings.deleteTimeoutMs,
    ...(hasGenerator ? { instanceIdGenerator: generator ?? 'simple' } : {}),
  };
}
