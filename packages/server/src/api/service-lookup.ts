import { NotFoundError, normalizeNamespace, toGroupedName, type Registry, type Service } from '@beacon/core';

/** The service a native API path names (`:namespaceId/services/:groupName/:serviceName`), or a 404. */
export function findServiceOrThrow(
  registry: Registry,
  namespaceId: string,
  groupName: string,
  serviceName: string,
): Service {
  const grouped = toGroupedName(serviceName, groupName);
  const namespace = normalizeNamespace(namespaceId);
  const service = registry.findService(namespace, grouped);
  if (!service) throw new NotFoundError(`service ${grouped} not found in namespace ${namespace}`);
  return service;
}
