import { Controller, Get, Inject, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { loadavg, cpus, freemem, totalmem } from 'node:os';
import { InvalidParameterError, Registry, type Switches } from '@beacon/core';
import { BEACON_VERSION } from '../api/status.controller.js';
import { Params } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import { PushMetrics } from '../push/push-metrics.js';
import { SERVER_STATUSES, ServerStatusHolder, type ServerStatus } from '../registry/server-status.js';

const SWITCH_DOMAIN_NAME = '00-00---000-NACOS_SWITCH_DOMAIN-000---00-00';

/** Operator endpoints, mapped under both `/operator` and `/ops` as in Nacos. */
@Controller(['nacos/v1/ns/operator', 'nacos/v1/ns/ops'])
export class OperatorController {
  constructor(
    @Inject(Registry) private readonly registry: Registry,
    @Inject(ServerStatusHolder) private readonly status: ServerStatusHolder,
    @Inject(PushMetrics) private readonly push: PushMetrics,
  ) {}

  /** Clients' serverHealthy() checks `status == "UP"`. Unauthenticated. */
  @Get('metrics')
  metrics(): object {
    const services = this.registry.serviceCount();
    const instances = this.registry.instanceCount();
    return {
      status: this.status.current,
      serviceCount: services,
      instanceCount: instances,
      raftNotifyTaskCount: 0,
      responsibleServiceCount: services,
      responsibleInstanceCount: instances,
      cpu: round(process.cpuUsage().user / 1e6 / Math.max(1, process.uptime()) / cpus().length),
      load: round(loadavg()[0] ?? 0),
      mem: round(1 - freemem() / totalmem()),
    };
  }

  @Get('switches')
  switches(): object {
    const s = this.registry.switches;
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
      overriddenServerStatus: this.status.overriddenStatus ?? null,
      defaultInstanceEphemeral: s.defaultInstanceEphemeral,
      healthCheckWhiteList: [],
      checksum: null,
    };
  }

  @Put('switches')
  updateSwitch(@Params() p: ParamReader): string {
    const entry = p.required('entry');
    const value = p.required('value');
    if (entry === 'overriddenServerStatus') {
      const status = value.toUpperCase();
      if (status !== 'NULL' && !SERVER_STATUSES.includes(status as ServerStatus)) {
        throw new InvalidParameterError(`unknown server status: ${value}`);
      }
      this.status.override(status === 'NULL' ? undefined : (status as ServerStatus));
      return 'ok';
    }
    this.registry.updateSwitches(switchPatch(entry, value));
    return 'ok';
  }

  /** UDP push figures since start or the last `reset=true`; `detail=true` adds the recent failures. */
  @Get('push/state')
  pushState(@Params() p: ParamReader): object {
    return this.push.pushState(p.bool('detail', false), p.bool('reset', false));
  }

  /**
   * The cluster members as Nacos lists them: this one server, at the address and port the caller
   * reached (the bind address may be 0.0.0.0). Clients and dashboards that count members see one.
   */
  @Get('servers')
  servers(@Req() request: FastifyRequest): object {
    const socket = request.raw.socket;
    const ip = (socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const port = socket.localPort ?? 0;
    return {
      servers: [
        {
          ip,
          port,
          state: this.status.current,
          extendInfo: { version: BEACON_VERSION, site: 'unknow', lastRefreshTime: Date.now() },
          address: `${ip}:${port}`,
          failAccessCnt: 0,
        },
      ],
    };
  }
}

const MAX_SWITCH_VALUE = 2147483647;

function switchPatch(entry: string, value: string): Partial<Switches> {
  // Clients read these as Java ints and longs: 99999999999999999999 was stored as 1e20.
  const int = (min: number): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > MAX_SWITCH_VALUE)
      throw new InvalidParameterError(
        `${entry} must be a whole number from ${min} to ${MAX_SWITCH_VALUE}, got: ${value}`,
      );
    return n;
  };
  const bool = (): boolean => value.toLowerCase() === 'true';
  switch (entry) {
    case 'clientBeatInterval':
      return { clientBeatInterval: int(1) };
    case 'pushCacheMillis':
      return { defaultPushCacheMillis: int(10000) };
    case 'defaultCacheMillis':
      return { defaultCacheMillis: int(1000) };
    case 'check':
      return { healthCheckEnabled: bool() };
    case 'pushEnabled':
      return { pushEnabled: bool() };
    case 'lightBeatEnabled':
      return { lightBeatEnabled: bool() };
    case 'defaultInstanceEphemeral':
      return { defaultInstanceEphemeral: bool() };
    case 'healthCheckTimes':
      return { checkTimes: int(1) };
    default:
      throw new InvalidParameterError(`update entry not found: ${entry}`);
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
