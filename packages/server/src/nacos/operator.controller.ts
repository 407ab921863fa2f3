import { Controller, Get, Inject, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OperatorService, type PushState } from '../application/operator-service.js';
import { Params } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import type { OperatorMetrics, ServerList, SwitchDomain } from './responses.js';

const SWITCH_DOMAIN_NAME = '00-00---000-NACOS_SWITCH_DOMAIN-000---00-00';

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
    const s = this.operator.switches;
    return {
      name: SWITCH_DOMAIN_NAME,
      masters: null,
      adWeightMap: {},
      defaultPushCacheMillis: s.defaultPushCacheMillis,
      clientBeatInterval: s.clientBeatInterval,
      defaultCacheMillis: s.defaultCacheMillis,
      distroThreshold: 0.7,
      healthCheckEnabled: s.healthCheckEnabled,
      autoChangeHealthCheckEnabled: true,
      distroEnabled: true,
      enableStandalone: true,
      pushEnabled: s.pushEnabled,
      checkTimes: s.checkTimes,
      httpHealthParams: { max: 5000, min: 500, factor: 0.85 },
      tcpHealthParams: { max: 5000, min: 1000, factor: 0.75 },
      mysqlHealthParams: { max: 3000, min: 2000, factor: 0.65 },
      incrementalList: [],
      serverStatusSynchronizationPeriodMillis: 2000,
      serviceStatusSynchronizationPeriodMillis: 5000,
      disableAddIP: false,
      sendBeatOnly: false,
      lightBeatEnabled: s.lightBeatEnabled,
      limitedUrlMap: {},
      distroServerExpiredMillis: 10000,
      pushGoVersion: '0.1.0',
      pushJavaVersion: '0.1.0',
      pushPythonVersion: '0.4.3',
      pushCVersion: '1.0.12',
      pushCSharpVersion: '0.9.0',
      enableAuthentication: false,
      overriddenServerStatus: this.operator.overriddenServerStatus ?? null,
      defaultInstanceEphemeral: s.defaultInstanceEphemeral,
      healthCheckWhiteList: [],
      checksum: null,
    };
  }

  @Put('switches')
  async updateSwitch(@Params() p: ParamReader): Promise<string> {
    await this.operator.updateSwitch(p.required('entry'), p.required('value'));
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
