import type { AccessDirectory } from '../auth/access-directory.js';
import type { Identity } from '../auth/authenticator.js';
import { namespaceResource } from '../auth/resource.js';

export interface NamespaceAccess {
  readonly namespaceId: string;
  /** May list and read the whole namespace. */
  readonly read: boolean;
  /** May change anything in it (register, edit instances and services). */
  readonly write: boolean;
}

/**
 * What the caller may do in each namespace as a whole, so that the console can hide what it
 * cannot use and say "no access" instead of asking and being refused. With auth off, everything.
 */
export function namespaceAccess(
  identity: Identity,
  directory: AccessDirectory,
  authEnabled: boolean,
  namespaceIds: readonly string[],
): NamespaceAccess[] {
  return namespaceIds.map((namespaceId) => {
    if (!authEnabled || identity.admin) return { namespaceId, read: true, write: true };
    const resource = namespaceResource(namespaceId);
    return {
      namespaceId,
      read: directory.allows(identity.username, resource, 'r'),
      write: directory.allows(identity.username, resource, 'w'),
    };
  });
}
