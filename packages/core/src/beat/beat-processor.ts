import type { Metadata } from '../metadata.js';
import { instanceKey, type Instance } from '../model/instance.js';
import type { InstanceAddress } from '../model/instance-address.js';
import type { RegisterCommand, Registry } from '../registry.js';
import { healthAfterBeat } from './beat-health.js';
import { effectiveBeatInterval, reregisterBeatInterval } from './beat-interval.js';

/** The `beat` JSON ("RsInfo") a full beat carries; only the fields the server reads. */
export interface BeatInfo {
  ip?: string;
  port?: number;
  serviceName?: string;
  cluster?: string;
  weight?: number;
  metadata?: Metadata;
  ephemeral?: boolean;
}

export interface BeatCommand {
  namespaceId: string;
  /** Grouped name. */
  serviceName: string;
  clusterName: string;
  ip: string;
  port: number;
  /** Present on a full beat, absent on a light beat. */
  beat: BeatInfo | undefined;
}

export const BEAT_OK = 10200;
export const BEAT_NOT_FOUND = 20404;

/** Field order as Nacos writes it; a 20404 reply carries no lightBeatEnabled. Sent to the client as is. */
export interface BeatReply {
  clientBeatInterval: number;
  code: typeof BEAT_OK | typeof BEAT_NOT_FOUND;
  lightBeatEnabled?: boolean;
}

/**
 * Where a beat goes beyond this node's registry. Embedded there is nothing beyond it: a full beat
 * registers in the registry and a beat's health rule applies to it (the default). A state shared by
 * several nodes (cluster mode) registers through its own write path and sends beats where the
 * shared state is, which applies the same rule.
 */
export interface BeatPort {
  /** A full beat of an instance the registry does not have: register it; the instance, if the registry has it now. */
  register(cmd: RegisterCommand): Instance | undefined;
  /**
   * An ephemeral instance took a beat at `now` (its lastBeat is set): apply `healthAfterBeat`
   * where the health that counts is kept (embedded: this registry).
   */
  beaten(instance: Instance, now: number): void;
}

/**
 * The heartbeat (docs/nacos-protocol.md §3). This is the hot path: a map lookup and two field writes;
 * no scan, no allocation beyond the reply, nothing awaited. The one beat rule of both modes: what
 * differs between them goes through the BeatPort.
 */
export class BeatProcessor {
  private readonly port: BeatPort;

  constructor(
    private readonly registry: Registry,
    port?: BeatPort,
  ) {
    this.port = port ?? {
      register: (cmd) => registry.registerInstance(cmd),
      beaten: (instance) => {
        const healthy = healthAfterBeat(instance.healthy, instance.marked);
        if (healthy !== instance.healthy) registry.setHealth(instance, healthy);
      },
    };
  }

  beat(cmd: BeatCommand): BeatReply {
    const beat = cmd.beat;
    const registry = this.registry;
    const switches = registry.switches;

    const target = beatTarget(registry, cmd);
    const address = target.address;
    let instance = target.instance;
    // A full beat for a missing instance re-registers it silently, as Nacos does after a restart.
    if (instance === undefined && beat !== undefined) instance = this.port.register(registrationOfBeat(address, beat));
    // The client re-registers on 20404, then waits this long before its next beat.
    if (instance === undefined) return { clientBeatInterval: reregisterBeatInterval(switches), code: BEAT_NOT_FOUND };

    if (instance.ephemeral) {
      const now = registry.clock.now();
      instance.lastBeat = now;
      this.port.beaten(instance, now);
    }
    return {
      clientBeatInterval: effectiveBeatInterval(instance, switches),
      code: BEAT_OK,
      lightBeatEnabled: switches.lightBeatEnabled,
    };
  }
}

/** Where a beat is for: a full beat's own address and cluster win over the parameters (cluster only when non-blank). */
export function beatAddress(cmd: BeatCommand): InstanceAddress {
  const beat = cmd.beat;
  return {
    namespaceId: cmd.namespaceId,
    serviceName: cmd.serviceName,
    clusterName: beat?.cluster ? beat.cluster : cmd.clusterName,
    ip: beat?.ip ?? cmd.ip,
    port: beat?.port ?? cmd.port,
  };
}

/**
 * The instance a beat is for, and its address: the instance at the beat's address; failing that,
 * the one ephemeral instance at the same ip:port in another cluster of the service, as Nacos 2.x
 * matches a beat to the instance of that ip:port whatever cluster it names (nacos-sdk-python 1.0.0
 * registers in cluster `None` and beats without one). Several candidates match none. Only a miss
 * scans the service's clusters; a hit costs one lookup, as before.
 */
export function beatTarget(
  registry: Pick<Registry, 'findInstance' | 'findService'>,
  cmd: BeatCommand,
): { address: InstanceAddress; instance: Instance | undefined } {
  const address = beatAddress(cmd);
  const exact = registry.findInstance(address);
  if (exact !== undefined) return { address, instance: exact };
  const service = registry.findService(address.namespaceId, address.serviceName);
  if (service === undefined) return { address, instance: undefined };
  const key = instanceKey(address.ip, address.port);
  let found: Instance | undefined;
  for (const cluster of service.clusters.values()) {
    const candidate = cluster.instancesOf(true).get(key);
    if (candidate === undefined) continue;
    if (found !== undefined) return { address, instance: undefined };
    found = candidate;
  }
  return found === undefined ? { address, instance: undefined } : { address: found.address, instance: found };
}

/** The registration a full beat makes for an instance the registry does not have. */
export function registrationOfBeat(address: InstanceAddress, beat: BeatInfo): RegisterCommand {
  return {
    ...address,
    weight: beat.weight ?? 0,
    enabled: true,
    healthy: true,
    ephemeral: beat.ephemeral ?? true,
    metadata: beat.metadata ?? {},
    app: undefined,
  };
}
