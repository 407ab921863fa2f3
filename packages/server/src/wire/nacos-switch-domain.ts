import type { Switches } from '@beacon/core';

const SWITCH_DOMAIN_NAME = '00-00---000-NACOS_SWITCH_DOMAIN-000---00-00';

interface HealthParams {
  readonly max: number;
  readonly min: number;
  readonly factor: number;
}

/** GET /operator/switches (1.x and 2.x): Nacos's SwitchDomain, with the fields Beacon does not use at their defaults. */
export interface SwitchDomain {
  readonly name: string;
  readonly masters: null;
  readonly adWeightMap: Record<string, never>;
  readonly defaultPushCacheMillis: number;
  readonly clientBeatInterval: number;
  readonly defaultCacheMillis: number;
  readonly distroThreshold: number;
  readonly healthCheckEnabled: boolean;
  readonly autoChangeHealthCheckEnabled: boolean;
  readonly distroEnabled: boolean;
  readonly enableStandalone: boolean;
  readonly pushEnabled: boolean;
  readonly checkTimes: number;
  readonly httpHealthParams: HealthParams;
  readonly tcpHealthParams: HealthParams;
  readonly mysqlHealthParams: HealthParams;
  readonly incrementalList: [];
  readonly serverStatusSynchronizationPeriodMillis: number;
  readonly serviceStatusSynchronizationPeriodMillis: number;
  readonly disableAddIP: boolean;
  readonly sendBeatOnly: boolean;
  readonly lightBeatEnabled: boolean;
  readonly limitedUrlMap: Record<string, never>;
  readonly distroServerExpiredMillis: number;
  readonly pushGoVersion: string;
  readonly pushJavaVersion: string;
  readonly pushPythonVersion: string;
  readonly pushCVersion: string;
  readonly pushCSharpVersion: string;
  readonly enableAuthentication: boolean;
  readonly overriddenServerStatus: string | null;
  readonly defaultInstanceEphemeral: boolean;
  readonly healthCheckWhiteList: [];
  readonly checksum: null;
}

/** The switches as Nacos's SwitchDomain, the fields Beacon does not use at Nacos's defaults. */
export function switchDomainOf(s: Readonly<Switches>, overriddenServerStatus: string | null): SwitchDomain {
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
    overriddenServerStatus: overriddenServerStatus,
    defaultInstanceEphemeral: s.defaultInstanceEphemeral,
    healthCheckWhiteList: [],
    checksum: null,
  };
}
