import {
  InvalidParameterError,
  NotFoundError,
  type Instance,
  type InstanceAddress,
  type OperatorEdit,
  type Registry,
  type Switches,
} from '@beacon/core';
import type { PushMetrics, PushState } from '../push/push-metrics.js';
import { SERVER_STATUSES, type ServerStatus, type ServerStatusHolder } from './server-status.js';
import type { StateBackend } from './state-backend.js';

export type { PushState };

/** The registry's size and revision, for status pages. */
export interface RegistryFigures {
  readonly status: ServerStatus;
  readonly serviceCount: number;
  readonly instanceCount: number;
  readonly revision: number;
}

/** Largest value a switch takes: clients read them as Java ints and longs. */
const MAX_SWITCH_VALUE = 2147483647;

/**
 * What operators do to the server rather than to their own instances: edit an instance (the
 * edit becomes an override that survives re-registration), change switches and the server
 * status, and read the figures of the registry and of push.
 */
export class OperatorService {
  constructor(
    private readonly state: StateBackend,
    private readonly status: ServerStatusHolder,
    private readonly push: PushMetrics,
  ) {}

  /** Reads are local: the registry (or, in cluster mode, this node's view of it). */
  private get registry(): Registry {
    return this.state.registry;
  }

  /**
   * One atomic edit (one revision, one change event) of weight, enabled and metadata keys; each
   * value becomes an override that survives re-registration and restarts, `null` removes it so the
   * client's own value shows again. Core validates the whole edit before changing anything.
   */
  editInstance(address: InstanceAddress, edit: OperatorEdit): Promise<Instance> {
    if (!this.registry.findInstance(address)) {
      const { serviceName, clusterName, ip, port } = address;
      throw new NotFoundError(`instance ${ip}:${port} not found in ${serviceName}/${clusterName}`);
    }
    return this.state.apply('editInstance', address, edit);
  }

  get switches(): Readonly<Switches> {
    return this.registry.switches;
  }

  get serverStatus(): ServerStatus {
    return this.status.current;
  }

  get overriddenServerStatus(): ServerStatus | undefined {
    return this.status.overriddenStatus;
  }

  /**
   * Sets one switch from its wire name and text value; `overriddenServerStatus` (NULL clears it)
   * is the server status, kept in memory only.
   */
  async updateSwitch(entry: string, value: string): Promise<void> {
    if (entry === 'overriddenServerStatus') {
      const status = value.toUpperCase();
      if (status !== 'NULL' && !SERVER_STATUSES.includes(status as ServerStatus)) {
        throw new InvalidParameterError(`unknown server status: ${value}`);
      }
      this.status.override(status === 'NULL' ? undefined : (status as ServerStatus));
      return;
    }
    await this.state.apply('updateSwitches', switchPatch(entry, value));
  }

  figures(): RegistryFigures {
    return {
      status: this.status.current,
      serviceCount: this.registry.serviceCount(),
      instanceCount: this.registry.instanceCount(),
      revision: this.registry.currentRevision,
    };
  }

  /** UDP push figures since start or the last reset; `detail` adds the recent failures. */
  pushState(detail: boolean, reset: boolean): PushState {
    return this.push.pushState(detail, reset);
  }
}

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
