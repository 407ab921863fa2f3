import { Controller, Get, Inject } from '@nestjs/common';
import { OperatorService } from '../application/operator-service.js';
import { success, type NacosResult } from '../http/nacos-v2-result.js';
import type { ParamReader } from '../http/param-reader.js';
import { Params } from '../http/request-context.js';
import type { MetricsV2 } from './responses.js';

/** Nacos 2.x's OperatorControllerV2, under `/operator` and `/ops` as there. */
@Controller(['nacos/v2/ns/operator', 'nacos/v2/ns/ops'])
export class OperatorV2Controller {
  constructor(@Inject(OperatorService) private readonly operator: OperatorService) {}

  /** The server status; with `onlyStatus=false` also the registry's size and the host's load. */
  @Get('metrics')
  metrics(@Params() p: ParamReader): NacosResult<MetricsV2> {
    const { status, serviceCount, instanceCount } = this.operator.figures();
    if (p.bool('onlyStatus', true)) return success({ status });
    return success({ status, serviceCount, instanceCount, ...this.operator.hostLoad() });
  }
}
