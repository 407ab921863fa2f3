import { InvalidParameterError } from './errors.js';

export const PUBLIC_NAMESPACE = 'public';
export const DEFAULT_GROUP = 'DEFAULT_GROUP';
export const DEFAULT_CLUSTER = 'DEFAULT';
export const GROUP_SEPARATOR = '@@';

const SERVICE_NAME_CHARS = /^[0-9a-zA-Z@.:_-]+$/;
/** Nacos 2.x's ParamCheckRule.clusterPatternString: 1.x's set plus `_`. */
const CLUSTER_NAME_CHARS = /^[0-9a-zA-Z_-]+$/;

/** Code-unit order of two names, the order every service listing uses (not locale-aware, like Java's). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts anything named (services, clusters) by `compareNames`. */
export function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return compareNames(a.name, b.name);
}

/** Blank namespace means public, as the Nacos console sends `namespaceId=` for it. */
export function normalizeNamespace(namespaceId: string | undefined): string {
  return namespaceId === undefined || namespaceId.trim() === '' ? PUBLIC_NAMESPACE : namespaceId.trim();
}

/** DistroFilter: a bare name joins its group (default DEFAULT_GROUP); a grouped name keeps its own. */
export function toGroupedName(serviceName: string, groupName: string | undefined): string {
  if (serviceName.includes(GROUP_SEPARATOR)) return serviceName;
  const group = groupName === undefined || groupName.trim() === '' ? DEFAULT_GROUP : groupName.trim();
  return group + GROUP_SEPARATOR + serviceName;
}

/** checkServiceNameFormat of the naming controllers. */
export function checkGroupedName(groupedName: string): void {
  const at = groupedName.indexOf(GROUP_SEPARATOR);
  if (at < 0 || groupedName.length === at + GROUP_SEPARATOR.length) {
    throw new InvalidParameterError("Param 'serviceName' is illegal, it should be format as 'groupName@@serviceName'");
  }
  if (at === 0) {
    throw new InvalidParameterError("Param 'serviceName' is illegal, groupName can't be empty");
  }
}

export function checkServiceNameChars(groupedName: string): void {
  if (!SERVICE_NAME_CHARS.test(groupedName)) {
    throw new InvalidParameterError(`dom name can only have these characters: 0-9a-zA-Z-._:, current: ${groupedName}`);
  }
}

export function checkClusterName(clusterName: string): void {
  if (!CLUSTER_NAME_CHARS.test(clusterName)) {
    throw new InvalidParameterError(
      "Param 'cluster' is illegal, illegal characters should not appear in the param.",
      'instance',
    );
  }
}

export function groupOf(groupedName: string): string {
  const at = groupedName.indexOf(GROUP_SEPARATOR);
  return at < 0 ? DEFAULT_GROUP : groupedName.slice(0, at);
}

export function bareName(groupedName: string): string {
  const at = groupedName.indexOf(GROUP_SEPARATOR);
  return at < 0 ? groupedName : groupedName.slice(at + GROUP_SEPARATOR.length);
}
