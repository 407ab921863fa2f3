import { All, Controller, Get, Inject } from '@nestjs/common';
import { NotFoundError, PreservedKeys, Registry, byName, type Instance, type Service } from '@beacon/core';
import { Params } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import { groupedServiceOf, namespaceOf } from './nacos-params.js';

/** The endpoints the Nacos console uses to browse the registry. */
@Controller('nacos/v1/ns/catalog')
export class CatalogController {
  constructor(@Inject(Registry) private readonly registry: Registry) {}

  @Get('services')
  services(@Params() p: ParamReader): object {
    const pageNo = p.requiredInt('pageNo');
    const pageSize = p.requiredInt('pageSize');
    const nameParam = p.get('serviceNameParam');
    const groupParam = p.get('groupNameParam');
    const instanceFilter = p.get('instance');
    const hasIpCount = p.bool('hasIpCount', false);
    const matches: Service[] = [];
    for (const service of this.registry.services(namespaceOf(p))) {
      if (nameParam !== undefined && !service.bareName.includes(nameParam)) continue;
      if (groupParam !== undefined && !service.groupName.includes(groupParam)) continue;
      if (hasIpCount && service.instanceCount() === 0) continue;
      if (instanceFilter !== undefined && !hasInstance(service, instanceFilter)) continue;
      matches.push(service);
    }
    matches.sort(byName);

    if (p.bool('withInstances', false)) {
      // Nacos quirk: this path pages with pageNo unshifted.
      const page = pageSize >= matches.length ? matches : matches.slice(pageNo * pageSize, (pageNo + 1) * pageSize);
      return page.map((s) => ({
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
      }));
    }

    const start = Math.max(0, (pageNo - 1) * pageSize);
    const page = pageSize >= matches.length ? matches : matches.slice(start, start + Math.max(0, pageSize));
    return {
      serviceList: page.map((s) => ({
        name: s.bareName,
        groupName: s.groupName,
        clusterCount: s.clusters.size,
        ipCount: s.instanceCount(),
        healthyInstanceCount: s.healthyCount(),
        triggerFlag: String(s.protectionReached()),
      })),
      count: matches.length,
    };
  }

  @Get('service')
  service(@Params() p: ParamReader): object {
    const service = this.registry.getService(namespaceOf(p), groupedServiceOf(p));
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
  instances(@Params() p: ParamReader): object {
    const serviceName = groupedServiceOf(p);
    const clusterName = p.required('clusterName');
    const pageNo = p.requiredInt('pageNo');
    const pageSize = p.requiredInt('pageSize');
    const service = this.registry.findService(namespaceOf(p), serviceName);
    if (!service) throw new NotFoundError(`service ${serviceName} is not found!`);
    const cluster = service.cluster(clusterName);
    if (!cluster) throw new NotFoundError(`cluster ${clusterName} is not found!`);
    const all = [...cluster.instances()];
    const start = Math.max(0, (pageNo - 1) * pageSize);
    return { list: all.slice(start, start + Math.max(0, pageSize)).map(fullInstance), count: all.length };
  }
}

function hasInstance(service: Service, filter: string): boolean {
  for (const i of service.instances()) if (i.ip === filter || `${i.ip}:${i.port}` === filter) return true;
  return false;
}

/** The full internal instance object of the Nacos console, nulls omitted. */
export function fullInstance(i: Instance): object {
  const hasGenerator = Object.keys(i.metadata).length === 0 || PreservedKeys.idGenerator in i.metadata;
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
    ...(hasGenerator ? { instanceIdGenerator: i.metadata[PreservedKeys.idGenerator] ?? 'simple' } : {}),
  };
}
