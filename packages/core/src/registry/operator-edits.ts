import { InvalidParameterError, NotFoundError } from '../errors.js';
import { checkNameLengths } from '../name-lengths.js';
import { freezeMetadata, type Metadata } from '../metadata.js';
import type { Instance } from '../model/instance.js';
import type { InstanceAddress } from '../model/instance-address.js';
import type { OperatorEdit } from '../model/instance-override.js';
import { checkGroupedName } from '../names.js';
import { describeCommand, type PatchCommand, type RegisterCommand } from './commands.js';
import { checkInstanceCommand, checkMetadataSize, checkWeight } from './instance-rules.js';
import type { RegistryParts } from './registry-parts.js';

/** Which instances a metadata batch touches: every one of a kind, or a list. */
export type BatchTargets =
  'ephemeral' | 'persist' | readonly { ip: string; port: number; ephemeral: boolean; clusterName: string }[];

export interface OperatorEditsDeps extends RegistryParts {
  /** A non-strict PUT of an unknown instance is a registration. */
  readonly register: (cmd: RegisterCommand) => Instance;
}

/**
 * Edits of existing instances by operators: the native edit, and Nacos's PUT/PATCH and metadata
 * batches. Weight, enabled and metadata they set become overrides (InstanceOverrides).
 */
export class OperatorEdits {
  constructor(private readonly d: OperatorEditsDeps) {}

  update(cmd: RegisterCommand, strict: boolean): Instance {
    checkInstanceCommand(cmd, this.d.limits);
    const service = this.d.tree.findService(cmd.namespaceId, cmd.serviceName);
    if (strict && !service) {
      throw new InvalidParameterError(
        `service not found, namespace: ${cmd.namespaceId}, service: ${cmd.serviceName}`,
        'instance',
      );
    }
    const existing = this.d.tree.findOfKind(cmd, cmd.ephemeral);
    if (!existing) {
      if (strict) throw new InvalidParameterError(`instance not exist: ${describeCommand(cmd)}`, 'instance');
      return this.d.register(cmd);
    }
    checkMetadataSize(cmd.metadata, this.d.limits);
    const plan = this.d.overrides.planValues(existing, cmd);
    return this.commit(existing, () => {
      this.d.overrides.apply(existing, plan);
      existing.app = cmd.app ?? existing.app;
      existing.lastBeat = this.d.clock.now();
      if (existing.marked) existing.healthy = cmd.healthy;
    });
  }

  patch(cmd: PatchCommand): Instance {
    checkGroupedName(cmd.serviceName);
    if (cmd.weight !== undefined) checkWeight(cmd.weight);
    const instance = this.d.tree.findInstance(cmd);
    if (!instance) throw new InvalidParameterError('instance not found');
    checkNameLengths(this.d.limits.nameLengths, { app: cmd.app });
    if (cmd.metadata !== undefined) checkMetadataSize(cmd.metadata, this.d.limits);
    const plan = this.d.overrides.planValues(instance, cmd);
    return this.commit(instance, () => {
      this.d.overrides.apply(instance, plan);
      if (cmd.app !== undefined) instance.app = cmd.app;
      if (cmd.healthy !== undefined) instance.healthy = cmd.healthy;
      instance.lastBeat = this.d.clock.now();
    });
  }

  /** The native edit: weight, enabled and metadata keys together; `null` removes an override. */
  edit(address: InstanceAddress, edit: OperatorEdit): Instance {
    const instance = this.d.tree.findInstance(address);
    if (!instance) throw new NotFoundError(`instance ${address.ip}:${address.port} not found`);
    const plan = this.d.overrides.planEdit(instance, edit);
    checkMetadataSize(plan.metadata, this.d.limits);
    return this.commit(instance, () => this.d.overrides.apply(instance, plan));
  }

  batchMetadata(
    namespaceId: string,
    serviceName: string,
    targets: BatchTargets,
    metadata: Metadata,
    mode: 'merge' | 'remove',
  ): string[] {
    checkGroupedName(serviceName);
    const service = this.d.tree.findService(namespaceId, serviceName);
    if (!service)
      throw new InvalidParameterError(`service not found, namespace: ${namespaceId}, service: ${serviceName}`);
    const chosen: Instance[] = [];
    if (typeof targets === 'string') {
      for (const i of service.instances()) if (i.ephemeral === (targets === 'ephemeral')) chosen.push(i);
    } else {
      for (const t of targets) {
        const i = this.d.tree.findOfKind({ namespaceId, serviceName, ...t }, t.ephemeral);
        if (i) chosen.push(i);
      }
    }
    const plans = chosen.map((instance) => {
      const next: Record<string, string> = { ...instance.metadata };
      for (const [k, v] of Object.entries(metadata)) {
        if (mode === 'merge') next[k] = v;
        else delete next[k];
      }
      return this.d.overrides.planValues(instance, { metadata: freezeMetadata(next) });
    });
    return this.d.store.transaction(() => {
      const updated: string[] = [];
      for (const [n, instance] of chosen.entries()) {
        this.d.overrides.apply(instance, plans[n]!);
        this.d.sync.persist(instance);
        this.d.sync.retrack(instance);
        updated.push(`${instance.datumKey}:${instance.ephemeral ? 'ephemeral' : 'persist'}`);
      }
      if (chosen.length > 0) this.d.feed.publish(service, 'instance.updated');
      return updated;
    });
  }

  /** Applies one edit atomically, then persists, reschedules and announces it once. */
  private commit(instance: Instance, change: () => void): Instance {
    return this.d.sync.atomically(instance, () => {
      change();
      this.d.sync.persist(instance);
      this.d.sync.retrack(instance);
      this.d.feed.publish(instance.service, 'instance.updated', instance);
      return instance;
    });
  }
}
