import { Controller, Get, Inject, Put } from '@nestjs/common';
import { OperatorService } from '../application/operator-service.js';
import { success, type NacosResult } from '../http/nacos-v2-result.js';
import type { ParamReader } from '../http/param-reader.js';
import { Params, CurrentActor } from '../http/request-context.js';
import { switchDomainOf, type SwitchDomain } from '../wire/nacos-switch-domain.js';
import type { MetricsV2 } from './responses.js';
import type { Actor } from '../wire/actor.js';

/** Nacos 2.x's OperatorControllerV2, under `/operator` and `/ops` as there. */
@Controller(['nacos/v2/ns/operator', 'nacos/v2/ns/ops'])
export class OperatorV2Controller {
  constructor(@Inject(OperatorService) private readonly operator: OperatorService) {}

  @Get('switches')
  switches(): NacosResult<SwitchDomain> {
    return success(switchDomainOf(this.operator.switches, this.operator.overriddenServerStatus ?? null));
  }

  /** One switch by its Nacos name (`entry`) and text `value`, with the bounds of /nacos/v1. */
  @Put('switches')
  async updateSwitch(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<NacosResult<string>> {
    await this.operator.updateSwitch(p.required('entry'), p.required('value'), actor);
    return success('ok');
  }

  /** The server status; with `onlyStatus=false` also the registry's size and the host's load. */
  @Get('metrics')
  metrics(@Params() p: ParamReader): NacosResult<MetricsV2> {
    const { status, serviceCount, instanceCount } = this.operator.figures();
    if (p.bool('onlyStatus', true)) return success({ status });
    return success({ status, serviceCount, instanceCount, ...this.operator.hostLoad() });
  }
}
