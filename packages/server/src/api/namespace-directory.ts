import { randomUUID } from 'node:crypto';
import { ConflictError, InvalidParameterError, NotFoundError, PUBLIC_NAMESPACE, type Registry } from '@beacon/core';

/** Letters, digits, '_' and '-', as Nacos accepts them; at most 128. */
const NAMESPACE_ID = /^[\w-]{1,128}$/;

export interface NamespaceView {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly serviceCount: number;
}

/**
 * Namespaces for the native API: the public one, the named ones, and those that sprang into being
 * through registrations. Stricter than the Nacos face: a clear 4xx instead of `false`, and a
 * namespace that still holds services is not deleted.
 */
export class NamespaceDirectory {
  constructor(private readonly registry: Registry) {}

  list(): NamespaceView[] {
    const custom = this.registry.namespaceRecordList();
    const named = new Set(custom.map((r) => r.id));
    return [
      this.view(PUBLIC_NAMESPACE, 'public', 'Public Namespace'),
      ...custom.map((r) => this.view(r.id, r.name, r.description)),
      ...this.registry
        .namespaceIds()
        .filter((id) => id !== PUBLIC_NAMESPACE && !named.has(id))
        .map((id) => this.view(id, id, '')),
    ];
  }

  create(input: {
    id?: string | undefined;
    name?: string | undefined;
    description?: string | undefined;
  }): NamespaceView {
    const id = input.id || randomUUID();
    if (!NAMESPACE_ID.test(id)) {
      throw new InvalidParameterError("namespace id must be 1 to 128 letters, digits, '_' or '-'");
    }
    if (id === PUBLIC_NAMESPACE || this.registry.namespaceRecord(id)) {
      throw new ConflictError(`namespace ${id} already exists`);
    }
    const name = requiredName(input.name);
    this.registry.putNamespace({ id, name, description: input.description ?? '' });
    return this.view(id, name, input.description ?? '');
  }

  /** Renames or describes a namespace, including one that sprang into being through registrations. */
  update(id: string, input: { name?: string | undefined; description?: string | undefined }): NamespaceView {
    this.refusePublic(id, 'edited');
    const existing = this.registry.namespaceRecord(id);
    if (!existing && !this.registry.namespaceIds().includes(id)) throw new NotFoundError(`namespace ${id} not found`);
    const name = input.name === undefined ? (existing?.name ?? id) : requiredName(input.name);
    const description = input.description ?? existing?.description ?? '';
    this.registry.putNamespace({ id, name, description });
    return this.view(id, name, description);
  }

  remove(id: string): void {
    this.refusePublic(id, 'deleted');
    if (!this.registry.namespaceRecord(id) && !this.registry.namespaceIds().includes(id)) {
      throw new NotFoundError(`namespace ${id} not found`);
    }
    const services = this.serviceCount(id);
    if (services > 0) {
      throw new ConflictError(`namespace ${id} still has ${services} services: delete them first`);
    }
    this.registry.deleteNamespace(id);
  }

  private refusePublic(id: string, what: string): void {
    if (id === PUBLIC_NAMESPACE) throw new InvalidParameterError(`the public namespace cannot be ${what}`);
  }

  private serviceCount(id: string): number {
    let n = 0;
    for (const _ of this.registry.services(id)) n++;
    return n;
  }

  private view(id: string, name: string, description: string): NamespaceView {
    return { id, name, description, serviceCount: this.serviceCount(id) };
  }
}

function requiredName(name: string | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (trimmed === '') throw new InvalidParameterError('name is required');
  if (trimmed.length > 128) throw new InvalidParameterError('name must be at most 128 characters');
  return trimmed;
}
