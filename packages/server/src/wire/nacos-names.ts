import { checkGroupedName, InvalidParameterError, normalizeNamespace, requireParam, toGroupedName } from '@beacon/core';
import type { ParamReader } from '../http/param-reader.js';

/** As long as the console lets a namespace id be; longer ones could not even be addressed by /api/v1. */
export const MAX_NAMESPACE_ID_LENGTH = 128;

/**
 * How a Nacos 1.x request names its namespace and service. Shared by the Nacos face (to act) and
 * auth (to decide), so the resource checked is the resource touched.
 */
export function namespaceOf(p: ParamReader): string {
  const id = normalizeNamespace(p.get('namespaceId'));
  if (id.length > MAX_NAMESPACE_ID_LENGTH) {
    throw new InvalidParameterError(`Param 'namespaceId' is too long: at most ${MAX_NAMESPACE_ID_LENGTH} characters`);
  }
  return id;
}

/**
 * DistroFilter: `serviceName` (or the pre-0.8 `dom`), joined with `groupName` unless already grouped;
 * then checkServiceNameFormat, which every naming controller applies (`@@svc`, `grp@@` are 400).
 */
export function groupedServiceOf(p: ParamReader): string {
  const name = requireParam(p.get('serviceName') ?? p.get('dom'), 'serviceName');
  const grouped = toGroupedName(name, p.get('groupName'));
  checkGroupedName(grouped);
  return grouped;
}
