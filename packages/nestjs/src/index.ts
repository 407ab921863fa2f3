// @beacon/nestjs: the Nest module and decorator, plus everything of the Nest-free entry.
export * from './node.js';
export { OnInstancesChanged, type InstancesChangedTarget } from './discovery/on-instances-changed.js';
export { BeaconModule, type BeaconModuleAsyncOptions } from './nest/beacon.module.js';
export { BEACON_OPTIONS } from './nest/tokens.js';
export { NamingClient, type Instance, type ServiceChangeEvent } from '@beacon/sdk';
