import {
  InvalidParameterError,
  NotFoundError,
  PreservedKeys,
  checkWeight,
  mergeMetadataChanges,
  validateTimingEdit,
  type Instance,
  type InstanceAddress,
  type Registry,
  type Switches,
} from '@beacon/core';
import type { PushMetrics, PushState } from '../push/push-metrics.js';
import { SERVER_STATUSES, type ServerStatus, type ServerStatusHolder } from './server-status.js';
import type { StateBackend } from './state-backend.js';

export type { PushState };

/** An operator's edit of one instance; each field left out stays as it is. */
export interface InstanceEdit {
  readonly weight?: number;
  readonly enabled?: boolean;
  /** Keys to set as operator overrides (string) or whose override to remove (null). */
  readonly metadata?: Readonly<Record<string, string | null>>;
}

/** The registry's size and revision, for status pages. */
export interface RegistryFigures {
  readonly status: ServerStatus;
  readonly serviceCount: number;
  readonly instanceCount: number;
  readonly revision: number;
}

const TIMING_KEYS: readonly string[] = [
  PreservedKeys.beatInterval,
  PreservedKeys.beatTimeout,
  PreservedKeys.deleteTimeout,
];

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

  /** Validates the whole edit before changing anything; 404 when the instance is not there. */
  async editInstance(address: InstanceAddress, edit: InstanceEdit): Promise<Instance> {
    const instance = this.registry.findInstance(address);
    if (!instance) {
      const { serviceName, clusterName, ip, port } = address;
      throw new NotFoundError(`instance ${ip}:${port} not found in ${serviceName}/${clusterName}`);
    }
    if (edit.weight !== undefined) checkWeight(edit.weight);
    const metadata = edit.metadata ?? {};
    if (Object.keys(metadata).some((k) => TIMING_KEYS.includes(k))) {
      validateTimingEdit(mergeMetadataChanges(instance.metadata, metadata));
    }
    // TODO(i10-core overrides): one core operation, so that the edit is one change event.
    if (Object.keys(metadata).length > 0) await this.state.apply('editInstanceMetadata', address, metadata);
    if (edit.weight !== undefined || edit.enabled !== undefined) {
      await this.state.apply('patchInstance', {
        ...address,
        ...(edit.weight !== undefined ? { weight: edit.weight } : {}),
        ...(edit.enabled !== undefined ? { enabled: edit.enabled } : {}),
      });
    }
    return instance;
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
