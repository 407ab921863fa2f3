import {
  NotFoundError,
  type DeregisterCommand,
  type Instance,
  type InstanceAddress,
  type Metadata,
  type PatchCommand,
  type RegisterCommand,
  type Registry,
} from '@beacon/core';
import type { Actor } from '../wire/actor.js';
import { isModernJava, type ClientInfo } from '../wire/client-info.js';
import type { AuditedWrites } from './audited-writes.js';
import type { StateBackend } from './state-backend.js';

/** A registration as a client sends it: without `ephemeral`, the server's default applies. */
export type InstanceRegistration = Omit<RegisterCommand, 'ephemeral'> & { readonly ephemeral?: boolean };

/** The instances a batch metadata edit touches: all of one kind, or a list. */
export type BatchTargets = Parameters<Registry['batchMetadata']>[2];

/** One instance a batch metadata edit names. */
export type InstanceTarget = Exclude<BatchTargets, string>[number];

/**
 * How a batch metadata edit names its instances: `consistencyType` ephemeral or persist takes all
 * of that kind; otherwise the listed ones, read (and checked) only then.
 */
export interface BatchScope {
  readonly consistencyType: string | undefined;
  readonly listed: () => InstanceTarget[];
}

/**
 * What clients do to their own instances: register, update, deregister, patch, read, and the
 * manual health flag. Rules that depend on who calls (the strict update of modern Java clients,
 * the default ephemerality) are decided here, not in the faces. Registering and deregistering are
 * a client's own; updating, patching and the health flag are operator writes, audited
 * (audit-subjects.ts draws the line).
 */
export class InstanceService {
  constructor(
    private readonly state: StateBackend,
    private readonly writes: AuditedWrites,
  ) {}

  /** Reads are local: the registry (or, in cluster mode, this node's view of it). */
  private get registry(): Registry {
    return this.state.registry;
  }

  register(registration: InstanceRegistration): Promise<Instance> {
    return this.state.apply('registerInstance', this.withDefaults(registration));
  }

  /** Strict (404 when missing) for Java clients from 1.0.0; an upsert for everyone else. */
  update(registration: InstanceRegistration, caller: ClientInfo, actor: Actor): Promise<Instance> {
    return this.writes.apply(actor, 'updateInstance', this.withDefaults(registration), isModernJava(caller));
  }

  /** Strict whoever calls: 400 when the service or the instance does not exist (the Nacos 2.x API). */
  updateExisting(registration: InstanceRegistration, actor: Actor): Promise<Instance> {
    return this.writes.apply(actor, 'updateInstance', this.withDefaults(registration), true);
  }

  deregister(cmd: DeregisterCommand): Promise<boolean> {
    return this.state.apply('deregisterInstance', cmd);
  }

  patch(cmd: PatchCommand, actor: Actor): Promise<Instance> {
    return this.writes.apply(actor, 'patchInstance', cmd);
  }

  /** One instance; 404 with Nacos's messages (no service, no cluster, no such address). */
  get(address: InstanceAddress): Instance {
    return this.registry.getInstance(address);
  }

  /** Health set by hand; only for clusters whose checker is NONE. */
  setHealth(address: InstanceAddress, healthy: boolean, actor: Actor): Promise<void> {
    return this.writes.apply(actor, 'setHealthManually', address, healthy);
  }

  /** Every instance of a service, for the server-to-server status listing. */
  instancesOf(namespaceId: string, serviceName: string): Instance[] {
    const service = this.registry.findService(namespaceId, serviceName);
    if (!service) throw new NotFoundError(`service: ${serviceName} not found.`);
    return [...service.instances()];
  }

  /** Merges or removes metadata keys on many instances at once; returns the keys of those changed. */
  batchMetadata(
    namespaceId: string,
    serviceName: string,
    scope: BatchScope,
    metadata: Metadata,
    mode: 'merge' | 'remove',
    actor: Actor,
  ): Promise<string[]> {
    const { consistencyType } = scope;
    const targets: BatchTargets =
      consistencyType === 'ephemeral' || consistencyType === 'persist' ? consistencyType : scope.listed();
    return this.writes.apply(actor, 'batchMetadata', namespaceId, serviceName, targets, metadata, mode);
  }

  private withDefaults(registration: InstanceRegistration): RegisterCommand {
    return { ...registration, ephemeral: registration.ephemeral ?? this.registry.switches.defaultInstanceEphemeral };
  }
}
