import { Controller, Get, Inject, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OperatorService, type PushState } from '../application/operator-service.js';
import { Params, CurrentActor } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import { switchDomainOf, type SwitchDomain } from '../wire/nacos-switch-domain.js';
import type { OperatorMetrics, ServerList } from './responses.js';
import type { Actor } from '../wire/actor.js';

/** Operator endpoints, mapped under both `/operator` and `/ops` as in Nacos. */
@Controller(['nacos/v1/ns/operator', 'nacos/v1/ns/ops'])
export class OperatorController {
  constructor(@Inject(OperatorService) private readonly operator: OperatorService) {}

  /** Clients' serverHealthy() checks `status == "UP"`. Unauthenticated. */
  @Get('metrics')
  metrics(): OperatorMetrics {
    const { status, serviceCount, instanceCount } = this.operator.figures();
    const { cpu, load, mem } = this.operator.hostLoad();
    return {
      status,
      serviceCount,
      instanceCount,
      raftNotifyTaskCount: 0,
      responsibleServiceCount: serviceCount,
      responsibleInstanceCount: instanceCount,
      cpu,
      load,
      mem,
    };
  }

  @Get('switches')
  switches(): SwitchDomain {
    return switchDomainOf(this.operator.switches, this.operator.overriddenServerStatus ?? null);
  }

  @Put('switches')
  async updateSwitch(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<string> {
    await this.operator.updateSwitch(p.required('entry'), p.required('value'), actor);
    return 'ok';
  }

  /** UDP push figures since start or the last `reset=true`; `detail=true` adds the recent failures. */
  @Get('push/state')
  pushState(@Params() p: ParamReader): PushState {
    return this.operator.pushState(p.bool('detail', false), p.bool('reset', false));
  }

  /**
   * The cluster members as Nacos lists them: this one server, at the address and port the caller
   * reached (the bind address may be 0.0.0.0). Clients and dashboards that count members see one.
   */
  @Get('servers')
  servers(@Req() request: FastifyRequest): ServerList {
    const socket = request.raw.socket;
    const { ip, port, state, lastRefreshTime } = this.operator.selfMember(socket.localAddress, socket.localPort);
    return {
      servers: [
        {
          ip,
          port,
          state,
          extendInfo: { site: 'unknow', lastRefreshTime },
          address: `${ip}:${port}`,
          failAccessCnt: 0,
        },
      ],
    };
  }
}
