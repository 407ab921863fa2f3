// @beacon/nestjs/node: everything that works without Nest (Express, Fastify, plain http).
export { BeaconConfigError } from './config/config-error.js';
export { checkPreferredNetworks, detectLocalIp } from './config/local-ip.js';
export type {
  BeaconConnectionOptions,
  BeaconInstanceOptions,
  BeaconModuleOptions,
  InstanceSpec,
  ResolvedBeaconOptions,
} from './config/options.js';
export { resolveBeaconOptions } from './config/options.js';
export { DiscoveryClient, type LookupOptions } from './discovery/discovery-client.js';
export { NoInstanceAvailableError, urlOf } from './discovery/fetch-with-failover.js';
export {
  InstanceRegistration,
  type ListeningServer,
  type RegistrationLogger,
  type RegistrationState,
} from './registration/instance-registration.js';
export {
  registerOnListen,
  type ListenRegistration,
  type RegisterOnListenOptions,
} from './registration/register-on-listen.js';
