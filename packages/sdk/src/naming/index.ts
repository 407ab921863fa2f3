export { NamingClient, type NamingEvents } from './naming-client.js';
export type { NamingClientOptions } from './options.js';
export type {
  GroupOption,
  Instance,
  InstanceAddress,
  InstanceInput,
  Metadata,
  QueryOptions,
  SelectOptions,
  ServerStatus,
  ServiceChangeEvent,
  ServiceListener,
  UpdateSource,
} from './types.js';
export type { BeatEvents } from './beat-reactor.js';
export type { HostEvents } from './host-reactor.js';
export type { RegisteredInstance } from './nacos-api.js';
export type { WatchMode } from './registry-watcher.js';
export type { FailoverEvent } from './transport.js';
export {
  AuthenticationError,
  BeaconError,
  ClientClosedError,
  NetworkError,
  NoServerAvailableError,
  OptionsError,
  ServerError,
} from './errors.js';
export { pickByWeight, selectable } from './balancer.js';
export { checkInstanceInput, type CheckedInstance } from './instance-input.js';
export { backoffDelay, type BackoffPolicy } from './backoff.js';
export { systemClock, type Clock, type TimerHandle } from './clock.js';
export { DEFAULT_CLUSTER, DEFAULT_GROUP } from './names.js';
export { SDK_VERSION, NACOS_USER_AGENT } from './version.js';
