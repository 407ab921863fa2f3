import { Controller, Inject, Put } from '@nestjs/common';
import { parseHealthChecker, parseMetadata } from '@beacon/core';
import { ServiceCatalog } from '../application/service-catalog.js';
import { Params, CurrentActor } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import { groupedServiceOf, namespaceOf } from '../wire/nacos-names.js';
import type { Actor } from '../wire/actor.js';

@Controller('nacos/v1/ns/cluster')
export class ClusterController {
  constructor(@Inject(ServiceCatalog) private readonly catalog: ServiceCatalog) {}

  @Put()
  async update(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<string> {
    const serviceName = groupedServiceOf(p);
    const clusterName = p.required('clusterName');
    const checkPort = p.requiredInt('checkPort');
    const useInstancePort = p.required('useInstancePort4Check').toLowerCase() === 'true';
    const healthChecker = parseHealthChecker(p.required('healthChecker'));
    const metadata = parseMetadata(p.get('metadata'));
    await this.catalog.updateCluster(
      namespaceOf(p),
      serviceName,
      clusterName,
      {
        healthChecker,
        defaultCheckPort: checkPort,
        useIPPort4Check: useInstancePort,
        metadata,
      },
      actor,
    );
    return 'ok';
  }
}
