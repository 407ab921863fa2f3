import {
  DomainError,
  EMPTY_METADATA,
  InvalidParameterError,
  NotFoundError,
  checkTimingOverrides,
  type Instance,
  type InstanceAddress,
  type OperatorEdit,
  type Registry,
  type Switches,
} from '@beacon/core';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import type { PushMetrics, PushState } from '../push/push-metrics.js';
import { SERVER_STATUSES, type ServerStatus, type ServerStatusHolder } from './server-status.js';
import type { StateBackend } from './state-backend.js';
import type { Actor } from '../wire/actor.js';
import type { AuditedWrites } from './audited-writes.js';

export type { PushState };

/** The registry's size and revision, for status pages. */
export interface RegistryFigures {
  readonly status: ServerStatus;
  readonly serviceCount: number;
  readonly instanceCount: number;
  readonly revision: number;
}

/** How busy this process and its host are, as Nacos's operator metrics report them (two decimals). */
export interface HostLoad {
  /** This process's user CPU time per second of uptime, per core. */
  readonly cpu: number;
  /** The host's one-minute load average. */
  readonly load: number;
  /** The share of the host's memory in use. */
  readonly mem: number;
}

/** This server as a cluster member: where the caller reached it, and its status. */
export interface ServerMember {
  readonly ip: string;
  readonly port: number;
  readonly state: ServerStatus;
  readonly lastRefreshTime: number;
}

/** Most instances one bulk edit may name: 500 instances were the case in point, a few thousand the largest service. */
export const MAX_BULK_EDIT_INSTANCES = 5000;

/** One instance of a service a bulk edit names. */
export interface BulkEditTarget {
  readonly clusterName: string;
  readonly ip: string;
  readonly port: number;
}

/** What a bulk edit did to one instance: edited, gone meanwhile, or refused with the reason. */
export type BulkEditResult = BulkEditTarget &
  (
    | { readonly outcome: 'updated'; readonly instance: Instance }
    | { readonly outcome: 'not-found' | 'rejected'; readonly message: string }
  );

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
    private readonly writes: AuditedWrites,
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
  editInstance(address: InstanceAddress, edit: OperatorEdit, actor: Actor): Promise<Instance> {
    if (!this.registry.findInstance(address)) {
      const { serviceName, clusterName, ip, port } = address;
      throw new NotFoundError(`instance ${ip}:${port} not found in ${serviceName}/${clusterName}`);
    }
    return this.writes.apply(actor, 'editInstance', address, edit);
  }

  /**
   * One edit applied to many instances of a service, each atomically through editInstance (so an
   * override there is one here, with the same rules). The edit itself is checked first: a bad value
   * is a 400 and changes nothing. What only an instance can refuse (its timeout below the new
   * interval, its metadata too large), or an instance gone meanwhile, is that instance's result.
   */
  async editInstances(
    namespaceId: string,
    serviceName: string,
    targets: readonly BulkEditTarget[],
    edit: OperatorEdit,
    actor: Actor,
  ): Promise<BulkEditResult[]> {
    if (targets.length === 0) throw new InvalidParameterError('instances must name at least one instance');
    if (targets.length > MAX_BULK_EDIT_INSTANCES) {
      throw new InvalidParameterError(
        `instances names ${targets.length} instances; one edit may name at most ${MAX_BULK_EDIT_INSTANCES}`,
      );
    }
    if (edit.weight === undefined && edit.enabled === undefined && Object.keys(edit.metadata ?? {}).length === 0) {
      throw new InvalidParameterError('patch must set weight, enabled or metadata');
    }
    // The bounds of the timing keys it sets hold whatever the instance (1 s – 1 h).
    const setKeys: Record<string, string> = {};
    for (const [key, value] of Object.entries(edit.metadata ?? {})) if (value !== null) setKeys[key] = value;
    checkTimingOverrides(setKeys, EMPTY_METADATA);
    if (!this.registry.findService(namespaceId, serviceName)) {
      throw new NotFoundError(`service ${serviceName} not found in namespace ${namespaceId}`, 'service-missing');
    }
    const results: BulkEditResult[] = [];
    for (const target of targets) {
      const at = { clusterName: target.clusterName, ip: target.ip, port: target.port };
      try {
        const instance = await this.editInstance({ namespaceId, serviceName, ...at }, edit, actor);
        results.push({ ...at, outcome: 'updated', instance });
      } catch (e) {
        // An unavailable backend stops the edit: what was applied stays applied, as its own change.
        if (!(e instanceof DomainError) || e.kind === 'unavailable') throw e;
        results.push({ ...at, outcome: e.kind === 'not-found' ? 'not-found' : 'rejected', message: e.message });
      }
    }
    return results;
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
   * is the server status, kept in memory only (audited all the same: it stops the traffic).
   */
  async updateSwitch(entry: string, value: string, actor: Actor): Promise<void> {
    if (entry === 'overriddenServerStatus') {
      const status = value.toUpperCase();
      if (status !== 'NULL' && !SERVER_STATUSES.includes(status as ServerStatus)) {
        throw new InvalidParameterError(`unknown server status: ${value}`);
      }
      const before = this.status.overriddenStatus ?? null;
      this.status.override(status === 'NULL' ? undefined : (status as ServerStatus));
      const target = { type: 'server-status', path: 'server-status' } as const;
      await this.writes.record(
        actor,
        'overrideServerStatus',
        target,
        { overridden: before },
        { overridden: this.status.overriddenStatus ?? null },
      );
      return;
    }
    await this.writes.apply(actor, 'updateSwitches', switchPatch(entry, value));
  }

  figures(): RegistryFigures {
    return {
      status: this.status.current,
      serviceCount: this.registry.serviceCount(),
      instanceCount: this.registry.instanceCount(),
      revision: this.registry.currentRevision,
    };
  }

  /**
   * This one server, at the address and port the caller reached (the bind address may be
   * 0.0.0.0), an IPv4-mapped address written as plain IPv4.
   */
  selfMember(localAddress: string | undefined, localPort: number | undefined): ServerMember {
    return {
      ip: (localAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      port: localPort ?? 0,
      state: this.status.current,
      lastRefreshTime: Date.now(),
    };
  }

  /**
   * The cluster's members: in cluster mode the live nodes at the addresses they announce (this one
   * with its own status, the others UP while their key lives), else this server alone.
   */
  async members(localAddress: string | undefined, localPort: number | undefined): Promise<ServerMember[]> {
    const self = this.selfMember(localAddress, localPort);
    const nodes = await this.state.members?.();
    if (!nodes) return [self];
    return nodes.map((n) => {
      const colon = n.address.lastIndexOf(':');
      const at = {
        ip: colon < 0 ? n.address : n.address.slice(0, colon),
        port: Number(n.address.slice(colon + 1)) || 0,
      };
      return n.self ? { ...self, ...at } : { ...at, state: 'UP' as const, lastRefreshTime: self.lastRefreshTime };
    });
  }

  hostLoad(): HostLoad {
    return {
      cpu: round(process.cpuUsage().user / 1e6 / Math.max(1, process.uptime()) / cpus().length),
      load: round(loadavg()[0] ?? 0),
      mem: round(1 - freemem() / totalmem()),
    };
  }

  /** UDP push figures since start or the last reset; `detail` adds the recent failures. */
  pushState(detail: boolean, reset: boolean): PushState {
    return this.push.pushState(detail, reset);
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
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
