/** Server-wide switches of Nacos's SwitchDomain that Beacon honours. */
export interface Switches {
  clientBeatInterval: number;
  defaultCacheMillis: number;
  defaultPushCacheMillis: number;
  lightBeatEnabled: boolean;
  healthCheckEnabled: boolean;
  pushEnabled: boolean;
  defaultInstanceEphemeral: boolean;
  checkTimes: number;
  expireInstance: boolean;
}

export function defaultSwitches(): Switches {
  return {
    clientBeatInterval: 5000,
    defaultCacheMillis: 3000,
    defaultPushCacheMillis: 10000,
    lightBeatEnabled: true,
    healthCheckEnabled: true,
    pushEnabled: true,
    defaultInstanceEphemeral: true,
    checkTimes: 3,
    expireInstance: true,
  };
}
