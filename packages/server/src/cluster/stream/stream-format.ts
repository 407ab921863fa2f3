import type { Mutation, MutationKind } from '../../application/state-backend.js';
import type { ServiceName } from '../../storage/postgres-store.js';
import { addressOf } from '../engines/redis-layout.js';

/**
 * The change stream's wire format (docs/cluster.md, "The change stream's format"). Nodes of two
 * versions share the stream during a rolling upgrade, so what an entry says must not follow the
 * code's names:
 *
 * - `v`: the format version. Raised only for a change an older node would misread (a field's
 *   meaning); entries without it were written before it existed and are version 1 alike.
 * - `m`: a mutation, `{"kind": <wire kind>, "args": [...]}`. A wire kind's name and arguments are
 *   frozen: renaming a method or a mutation does not change them, and different arguments make a
 *   new kind. New kinds may be added without a new version: a node that does not know one skips it
 *   and reloads its view from the engines (unknown-entries.ts).
 * - `s`: the one service a mutation changes, `[namespaceId, serviceName]`. Version 1's kinds do
 *   not write it (every node knows them); a kind added later that changes one service must, so
 *   that a node not knowing the kind reloads just that service.
 * - `t` + `k`: a health transition Redis made (`healthy`, `unhealthy`, `expired`) of member `k`.
 * - `r`: the writer asks every node to reconcile its view.
 * - `o`: the writing node (`redis` for transitions). Unknown fields are ignored.
 */
export const STREAM_FORMAT_VERSION = 1;

/** Every mutation's wire kind: today the same strings as the mutation names, but not tied to them. */
const WIRE_KIND_OF = {
  registerInstance: 'registerInstance',
  updateInstance: 'updateInstance',
  deregisterInstance: 'deregisterInstance',
  patchInstance: 'patchInstance',
  setHealthManually: 'setHealthManually',
  setCheckedHealth: 'setCheckedHealth',
  editInstanceMetadata: 'editInstanceMetadata',
  editInstance: 'editInstance',
  batchMetadata: 'batchMetadata',
  putNamespace: 'putNamespace',
  deleteNamespace: 'deleteNamespace',
  createService: 'createService',
  updateService: 'updateService',
  deleteService: 'deleteService',
  updateCluster: 'updateCluster',
  updateSwitches: 'updateSwitches',
} as const satisfies Record<MutationKind, string>;

const MUTATION_OF: ReadonlyMap<string, MutationKind> = new Map(
  Object.entries(WIRE_KIND_OF).map(([kind, wire]) => [wire, kind as MutationKind]),
);

export const TRANSITIONS = ['healthy', 'unhealthy', 'expired'] as const;
export type Transition = (typeof TRANSITIONS)[number];

/** The wire kinds this node applies, for the docs and the test that keeps them stable. */
export function wireKinds(): string[] {
  return Object.values(WIRE_KIND_OF);
}

/** A mutation as the `m` field carries it. */
export function encodeMutation(m: Mutation): string {
  return JSON.stringify({ kind: WIRE_KIND_OF[m.kind], args: m.args });
}

/** What a node makes of one entry: something to apply, or something it does not know. */
export type DecodedEntry =
  | { readonly type: 'mutation'; readonly mutation: Mutation }
  | { readonly type: 'transition'; readonly transition: Transition; readonly member: string }
  | { readonly type: 'reconcile' }
  /**
   * A newer version, or a kind this node does not know: `what` names it (for the log and the
   * metric); `service`, when the entry says which one service it changes.
   */
  | { readonly type: 'unknown'; readonly what: string; readonly service?: ServiceName };

/** Decodes an entry's fields (`f`, by name). Never throws: anything it cannot read is `unknown`. */
export function decodeEntry(f: Readonly<Record<string, string>>): DecodedEntry {
  const version = f['v'] === undefined ? 1 : Number(f['v']);
  if (!Number.isInteger(version) || version < 1 || version > STREAM_FORMAT_VERSION) {
    return { type: 'unknown', what: `format version ${f['v']}` };
  }
  if (f['r'] !== undefined) return { type: 'reconcile' };
  if (f['m'] !== undefined) {
    let parsed: { kind?: unknown; args?: unknown };
    try {
      parsed = JSON.parse(f['m']) as typeof parsed;
    } catch {
      return { type: 'unknown', what: 'a mutation that is not JSON' };
    }
    const kind = typeof parsed.kind === 'string' ? MUTATION_OF.get(parsed.kind) : undefined;
    if (kind === undefined || !Array.isArray(parsed.args)) {
      const what = `kind ${typeof parsed.kind === 'string' ? parsed.kind : '(none)'}`;
      return withService({ type: 'unknown', what }, serviceOfField(f['s']));
    }
    return { type: 'mutation', mutation: { kind, args: parsed.args } as Mutation };
  }
  const transition = f['t'];
  if (transition !== undefined && f['k'] !== undefined) {
    if ((TRANSITIONS as readonly string[]).includes(transition)) {
      return { type: 'transition', transition: transition as Transition, member: f['k'] };
    }
    return withService({ type: 'unknown', what: `transition ${transition}` }, serviceOfMember(f['k']));
  }
  const fields = Object.keys(f).filter((name) => name !== 'o' && name !== 'v');
  return { type: 'unknown', what: `an entry of fields ${fields.sort().join(', ') || '(none)'}` };
}

function withService(entry: { type: 'unknown'; what: string }, service: ServiceName | undefined): DecodedEntry {
  return service === undefined ? entry : { ...entry, service };
}

/** `s`: `["namespaceId","serviceName"]`; anything else says nothing. */
function serviceOfField(field: string | undefined): ServiceName | undefined {
  if (field === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(field);
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string' && v !== '')) {
      return { namespaceId: value[0] as string, serviceName: value[1] as string };
    }
  } catch {
    // not JSON: no service
  }
  return undefined;
}

function serviceOfMember(member: string): ServiceName | undefined {
  try {
    const { namespaceId, serviceName } = addressOf(member);
    return typeof namespaceId === 'string' && typeof serviceName === 'string'
      ? { namespaceId, serviceName }
      : undefined;
  } catch {
    return undefined;
  }
}
