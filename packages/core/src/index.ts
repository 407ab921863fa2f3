// The public surface of @beacon/core: what the other packages use. Internals (the registry's
// parts, the deadline heap, the state loader) stay inside; @beacon/core/testing has the test helpers.

export { systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export {
  ConflictError,
  DomainError,
  InvalidParameterError,
  LimitExceededError,
  MissingParameterError,
  NotFoundError,
  requireParam,
  UnavailableError,
} from './errors.js';
export type { DomainErrorKind, DomainErrorReason } from './errors.js';
export type { ChangeReason, ServiceChange } from './events.js';
export { selectHosts } from './host-list.js';
export { DEFAULT_LIMITS } from './limits.js';
export {
  checkTimingOverrides,
  EMPTY_METADATA,
  DEFAULT_BEAT_TIMEOUT_MS,
  parseMetadata,
  PreservedKeys,
  sameMetadata,
  toStringMap,
} from './metadata.js';
export type { Metadata } from './metadata.js';
export type { NameLengths } from './name-lengths.js';
export {
  bareName,
  byName,
  checkClusterName,
  checkGroupedName,
  checkServiceNameChars,
  compareNames,
  DEFAULT_CLUSTER,
  DEFAULT_GROUP,
  groupOf,
  normalizeNamespace,
  PUBLIC_NAMESPACE,
  toGroupedName,
} from './names.js';
export { checkPort, checkWeight, Registry } from './registry.js';
export type {
  BatchTargets,
  DeregisterCommand,
  InstanceTracker,
  PatchCommand,
  RegisterCommand,
  RegistryOptions,
  ServiceCommand,
} from './registry.js';
export { MemoryStore } from './store.js';
export type {
  ClusterRecord,
  NamespaceRecord,
  OverrideRecord,
  PersistentInstanceRecord,
  ServiceRecord,
  Store,
  StoredState,
} from './store.js';
export type { Switches } from './switches.js';
export { Ticker } from './ticker.js';
export { healthAfterBeat } from './beat/beat-health.js';
export { beatIntervalSource, checkServiceBeatInterval, effectiveBeatInterval } from './beat/beat-interval.js';
export type { BeatIntervalSource } from './beat/beat-interval.js';
export { BeatProcessor } from './beat/beat-processor.js';
export type { BeatCommand, BeatInfo, BeatPort, BeatReply } from './beat/beat-processor.js';
export { ExpiryScheduler } from './expiry/expiry-scheduler.js';
export { nextCheckRecord } from './health/check-record.js';
export type { CheckRecord } from './health/check-record.js';
export { HealthCheckScheduler } from './health/health-check-scheduler.js';
export type { CheckSharing } from './health/health-check-scheduler.js';
export type { Prober, ProbeResult, ProbeTarget } from './health/prober.js';
export { Cluster } from './model/cluster.js';
export type { ClusterSettings } from './model/cluster.js';
export { checkerHeaderPairs, isForbiddenCheckerHeader, parseHealthChecker } from './model/health-checker.js';
export type { HealthChecker } from './model/health-checker.js';
export { Instance, instanceKey } from './model/instance.js';
export type { InstanceAddress } from './model/instance-address.js';
export { NO_OVERRIDE, sameOverride } from './model/instance-override.js';
export type { InstanceOverride, OperatorEdit } from './model/instance-override.js';
export { livenessOf } from './model/liveness.js';
export { NO_SELECTOR, Service } from './model/service.js';
export type { Selector } from './model/service.js';
