import {
  ConflictError,
  InvalidParameterError,
  NotFoundError,
  PUBLIC_NAMESPACE,
  normalizeNamespace,
  type Registry,
} from '@beacon/core';
import { randomUUID } from 'node:crypto';
import { requireParam } from '@beacon/core';
import { MAX_NAMESPACE_ID_LENGTH } from '../wire/nacos-names.js';
import type { StateBackend } from './state-backend.js';
import type { Actor } from '../wire/actor.js';
import type { AuditedWrites } from './audited-writes.js';

const NAMESPACE_ID = /^[\w-]+$/;

/** A namespace as listed: the public one, the named ones, and those a registration made (named by their id). */
export interface NamespaceSummary {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly serviceCount: number;
}

/**
 * A namespace as the Nacos console shows it: the public one has the empty id and type 0 (global),
 * the named ones type 2 (custom); every quota is Nacos's default.
 */
export interface ConsoleNamespace {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly quota: number;
  readonly type: 0 | 2;
}

/** Nacos's default namespace quota (it counts configurations, which Beacon does not hold). */
const NACOS_NAMESPACE_QUOTA = 200;

const PUBLIC_CONSOLE_NAMESPACE: ConsoleNamespace = {
  id: '',
  name: 'public',
  description: 'Public Namespace',
  quota: NACOS_NAMESPACE_QUOTA,
  type: 0,
};

/**
 * Namespaces: the public one and the records, whether an operator made one or a registration into
 * an unknown id did (named by its id; core's ServiceEdits). `create` and `update` answer false (not
 * an error) where Nacos 1.4 does.
 */
export class NamespaceService {
  constructor(
    private readonly state: StateBackend,
    private readonly writes: AuditedWrites,
  ) {}

  /** Reads are local: the registry (or, in cluster mode, this node's view of it). */
  private get registry(): Registry {
    return this.state.registry;
  }

  /** Whether the id is taken: the public namespace or any other that is listed. */
  exists(id: string): boolean {
    return this.registry.namespaceIds().includes(id);
  }

  /** One namespace for the Nacos console (`''` or `public` is the public one). */
  consoleNamespace(id: string): ConsoleNamespace {
    if (id === '' || id === PUBLIC_NAMESPACE) return PUBLIC_CONSOLE_NAMESPACE;
    const record = this.registry.namespaceRecord(id);
    return {
      id,
      name: record?.name ?? id,
      description: record?.description ?? '',
      quota: NACOS_NAMESPACE_QUOTA,
      type: 2,
    };
  }

  /** One namespace for the Nacos 2.x console API: 404 unless it is one (public, or any other listed). */
  requireConsoleNamespace(id: string): ConsoleNamespace {
    if (id !== '' && !this.exists(id)) {
      throw new NotFoundError(`namespaceId [ ${id} ] not exist`, 'namespace-missing');
    }
    return this.consoleNamespace(id);
  }

  /** The Nacos console's list: the same namespaces as every other face lists, public first. */
  consoleNamespaces(): ConsoleNamespace[] {
    return this.registry.namespaceIds().map((id) => this.consoleNamespace(id));
  }

  /** Every namespace, plus `also` (when given) even while it does not exist yet. */
  ids(also?: string): string[] {
    const ids = new Set(this.registry.namespaceIds());
    if (also?.trim()) ids.add(normalizeNamespace(also));
    return [...ids];
  }

  /**
   * Every namespace, public first: one list for every face (console, /api/v1, the Nacos console
   * APIs). A registration into an unknown id made that id a namespace (core's ServiceEdits), so
   * what holds services is always listed, and a deleted namespace is gone from all of them at once.
   */
  list(): NamespaceSummary[] {
    return this.registry.namespaceIds().map((id) => {
      const record = this.registry.namespaceRecord(id);
      return id === PUBLIC_NAMESPACE
        ? { id, name: 'public', description: 'Public Namespace', serviceCount: this.serviceCount(id) }
        : { id, name: record?.name ?? id, description: record?.description ?? '', serviceCount: this.serviceCount(id) };
    });
  }

  private serviceCount(id: string): number {
    return [...this.registry.services(id)].length;
  }

  /**
   * False for an id that is malformed, too long or taken (before the name is even required, as in
   * Nacos); a random id when none is given.
   */
  async create(id: string | undefined, name: string | undefined, description: string, actor: Actor): Promise<boolean> {
    const chosen = id ?? randomUUID();
    if (!isValidId(chosen) || this.exists(chosen)) return false;
    await this.writes.apply(actor, 'putNamespace', {
      id: chosen,
      name: requireParam(name, 'namespaceName'),
      description,
    });
    return true;
  }

  /**
   * Edits a namespace, or makes one by editing an unknown id (Nacos answers true to that too); false
   * for an id `create` would refuse.
   */
  async update(id: string, name: string | undefined, description: string | undefined, actor: Actor): Promise<boolean> {
    const existing = this.registry.namespaceRecord(id);
    if (!existing && !isValidId(id)) return false;
    await this.writes.apply(actor, 'putNamespace', {
      id,
      name: name ?? existing?.name ?? id,
      description: description ?? existing?.description ?? '',
    });
    return true;
  }

  /**
   * The Nacos consoles' delete: an unknown id is no error (as in Nacos), but a namespace that still
   * has services is refused like on the native API (Nacos deletes the record and leaves its services
   * running, unlisted; docs/compatibility.md).
   */
  delete(id: string, actor: Actor): Promise<void> {
    this.refuseWhileHoldingServices(id);
    return this.writes.apply(actor, 'deleteNamespace', id);
  }

  // ---- the native API's stricter edits: a clear 4xx instead of Nacos's `false` ----------------

  /** Creates a named namespace; 400 for a bad id or name, 409 when the id is taken. */
  async define(
    input: {
      id?: string | undefined;
      name?: string | undefined;
      description?: string | undefined;
    },
    actor: Actor,
  ): Promise<NamespaceSummary> {
    const id = input.id || randomUUID();
    if (!isValidId(id)) {
      throw new InvalidParameterError(
        `namespace id must be 1 to ${MAX_NAMESPACE_ID_LENGTH} letters, digits, '_' or '-'`,
        'namespace',
      );
    }
    if (this.exists(id)) throw new ConflictError(`namespace ${id} already exists`, 'namespace');
    await this.writes.apply(actor, 'putNamespace', {
      id,
      name: displayName(input.name),
      description: input.description ?? '',
    });
    return this.summary(id);
  }

  /** Renames or describes a namespace; 404 for an unknown one. */
  async redefine(
    id: string,
    input: { name?: string | undefined; description?: string | undefined },
    actor: Actor,
  ): Promise<NamespaceSummary> {
    this.refusePublic(id, 'edited');
    const existing = this.registry.namespaceRecord(id);
    if (!this.exists(id)) throw new NotFoundError(`namespace ${id} not found`, 'namespace-missing');
    await this.writes.apply(actor, 'putNamespace', {
      id,
      name: input.name === undefined ? (existing?.name ?? id) : displayName(input.name),
      description: input.description ?? existing?.description ?? '',
    });
    return this.summary(id);
  }

  /** Deletes a namespace that holds no services; 409 while it still has some. */
  async deleteEmpty(id: string, actor: Actor): Promise<void> {
    this.refusePublic(id, 'deleted');
    if (!this.exists(id)) throw new NotFoundError(`namespace ${id} not found`);
    this.refuseWhileHoldingServices(id);
    await this.writes.apply(actor, 'deleteNamespace', id);
  }

  private refuseWhileHoldingServices(id: string): void {
    const count = this.serviceCount(id);
    if (count > 0) throw new ConflictError(`namespace ${id} still has ${count} services: delete them first`);
  }

  private summary(id: string): NamespaceSummary {
    return this.list().find((n) => n.id === id)!;
  }

  private refusePublic(id: string, what: string): void {
    if (id === PUBLIC_NAMESPACE) throw new InvalidParameterError(`the public namespace cannot be ${what}`);
  }
}

function displayName(name: string | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (trimmed === '') throw new InvalidParameterError('name is required');
  if (trimmed.length > 128) throw new InvalidParameterError('name must be at most 128 characters');
  return trimmed;
}

function isValidId(id: string): boolean {
  return NAMESPACE_ID.test(id) && id.length <= MAX_NAMESPACE_ID_LENGTH;
}
