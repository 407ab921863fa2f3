import type { AuditTarget } from '../audit/audit-entry.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import type { Actor } from '../wire/actor.js';
import { auditSubjectOf, takeSnapshot, type AuditedMutation } from './audit-subjects.js';
import type { MutationArgs, MutationResult, StateBackend } from './state-backend.js';

/**
 * The one path of an operator's write to the registry: the target read before, the mutation applied
 * through the state backend, the target read after, and only then the entry in the audit trail. A
 * mutation that is refused or fails throws before anything is recorded.
 */
export class AuditedWrites {
  constructor(
    private readonly state: StateBackend,
    private readonly trail: AuditTrail,
  ) {}

  async apply<K extends AuditedMutation>(actor: Actor, kind: K, ...args: MutationArgs<K>): Promise<MutationResult<K>> {
    const subject = auditSubjectOf(this.state.registry, kind, args);
    let before = takeSnapshot(subject);
    const result = await this.state.apply(kind, ...args);
    let after = takeSnapshot(subject);
    if (kind === 'batchMetadata') [before, after] = changedInstancesOnly(before, after);
    await this.trail.record({ actor, action: kind, target: subject.target, before, after });
    return result;
  }

  /** An operator write outside the registry (the overridden server status), done by the caller. */
  record(actor: Actor, action: string, target: AuditTarget, before: unknown, after: unknown): Promise<void> {
    return this.trail.record({ actor, action, target, before, after });
  }
}

type Snapshot = ReturnType<typeof takeSnapshot>;

/** A batch over a large service: keep only the instances whose metadata the batch changed. */
function changedInstancesOnly(before: Snapshot, after: Snapshot): [Snapshot, Snapshot] {
  const metadataOf = (s: Snapshot): Record<string, Snapshot> =>
    (s as { instanceMetadata?: Record<string, Snapshot> } | null)?.instanceMetadata ?? {};
  const b = metadataOf(before);
  const a = metadataOf(after);
  const changed = Object.keys({ ...b, ...a }).filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
  const pick = (m: Record<string, Snapshot>) => ({
    instanceMetadata: Object.fromEntries(changed.filter((k) => k in m).map((k) => [k, m[k]!])),
  });
  return [pick(b), pick(a)];
}
