import { PUBLIC_NAMESPACE, type NamespaceRecord, type Registry } from '@beacon/core';
import { randomUUID } from 'node:crypto';
import { requireParam } from '@beacon/core';
import { MAX_NAMESPACE_ID_LENGTH } from '../wire/nacos-names.js';
import type { StateBackend } from './state-backend.js';

const NAMESPACE_ID = /^[\w-]+$/;

/** A namespace as listed: the public one, the named ones, and those that sprang into being. */
export interface NamespaceSummary {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly serviceCount: number;
}

/**
 * Namespaces. Nacos lets a registration create a namespace implicitly; records give one a name
 * and a description. `create` and `update` answer false (not an error) where Nacos 1.4 does.
 */
export class NamespaceService {
  constructor(private readonly state: StateBackend) {}

  /** Reads are local: the registry (or, in cluster mode, this node's view of it). */
  private get registry(): Registry {
    return this.state.registry;
  }

  exists(id: string): boolean {
    return id === PUBLIC_NAMESPACE || this.registry.namespaceRecord(id) !== undefined;
  }

  record(id: string): NamespaceRecord | undefined {
    return this.registry.namespaceRecord(id);
  }

  /** The named namespaces (not public, not the implicit ones). */
  records(): NamespaceRecord[] {
    return this.registry.namespaceRecordList();
  }

  /** Public first, then the named ones, then those only registrations created. */
  list(): NamespaceSummary[] {
    const count = (id: string) => [...this.registry.services(id)].length;
    const custom = this.registry.namespaceRecordList();
    const named = new Set(custom.map((r) => r.id));
    return [
      { id: PUBLIC_NAMESPACE, name: 'public', description: 'Public Namespace', serviceCount: count(PUBLIC_NAMESPACE) },
      ...custom.map((r) => ({ id: r.id, name: r.name, description: r.description, serviceCount: count(r.id) })),
      ...this.registry
        .namespaceIds()
        .filter((id) => id !== PUBLIC_NAMESPACE && !named.has(id))
        .map((id) => ({ id, name: id, description: '', serviceCount: count(id) })),
    ];
  }

  /**
   * False for an id that is malformed, too long or taken (before the name is even required, as in
   * Nacos); a random id when none is given.
   */
  async create(id: string | undefined, name: string | undefined, description: string): Promise<boolean> {
    const chosen = id ?? randomUUID();
    if (!isValidId(chosen) || this.exists(chosen)) return false;
    await this.state.apply('putNamespace', { id: chosen, name: requireParam(name, 'namespaceName'), description });
    return true;
  }

  /** Edits a namespace, or names one that sprang into being; false for an id `create` would refuse. */
  async update(id: string, name: string | undefined, description: string | undefined): Promise<boolean> {
    const existing = this.registry.namespaceRecord(id);
    if (!existing && !isValidId(id)) return false;
    await this.state.apply('putNamespace', {
      id,
      name: name ?? existing?.name ?? id,
      description: description ?? existing?.description ?? '',
    });
    return true;
  }

  delete(id: string): Promise<void> {
    return this.state.apply('deleteNamespace', id);
  }
}

function isValidId(id: string): boolean {
  return NAMESPACE_ID.test(id) && id.length <= MAX_NAMESPACE_ID_LENGTH;
}
