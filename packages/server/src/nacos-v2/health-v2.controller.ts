import { Controller, Inject, Put } from '@nestjs/common';
import { DEFAULT_CLUSTER, requireParam } from '@beacon/core';
import { InstanceService } from '../application/instance-service.js';
import { instanceAddressOf } from '../nacos-common/nacos-params.js';
import { success, type NacosResult } from '../http/nacos-v2-result.js';
import type { ParamReader } from '../http/param-reader.js';
import { Params, CurrentActor } from '../http/request-context.js';
import type { Actor } from '../wire/actor.js';

/** Nacos 2.x's HealthControllerV2: health set by hand, for clusters whose checker is NONE. */
@Controller('nacos/v2/ns/health')
export class HealthV2Controller {
  constructor(@Inject(InstanceService) private readonly instances: InstanceService) {}

  @Put(['', 'instance'])
  async update(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<NacosResult<string>> {
    // Nacos's UpdateHealthForm asks for `healthy` before the instance's names.
    const healthy = requireParam(p.get('healthy'), 'healthy', 'Boolean').toLowerCase() === 'true';
    const address = instanceAddressOf(p, p.get('clusterName') ?? DEFAULT_CLUSTER);
    await this.instances.setHealth(address, healthy, actor);
    return success('ok');
  }
}
