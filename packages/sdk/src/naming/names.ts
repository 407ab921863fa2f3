import { OptionsError } from './errors.js';

export const DEFAULT_GROUP = 'DEFAULT_GROUP';
export const DEFAULT_CLUSTER = 'DEFAULT';
export const GROUP_SEPARATOR = '@@';

export interface ServiceName {
  /** `group@@name`, as the server keys services. */
  readonly grouped: string;
  readonly groupName: string;
  readonly name: string;
}

/** Nacos's DistroFilter rule on the client side: a name with `@@` is already grouped. */
export function serviceNameOf(serviceName: string, groupName: string | undefined): ServiceName {
  if (typeof serviceName !== 'string' || serviceName.trim() === '') {
    throw new OptionsError(`serviceName must be a non-empty string, got ${JSON.stringify(serviceName)}`);
  }
  const trimmed = serviceName.trim();
  const at = trimmed.indexOf(GROUP_SEPARATOR);
  if (at >= 0) {
    const group = trimmed.slice(0, at);
    const name = trimmed.slice(at + GROUP_SEPARATOR.length);
    if (group === '' || name === '') {
      throw new OptionsError(`serviceName '${trimmed}' must be 'name' or 'group@@name'`);
    }
    return { grouped: trimmed, groupName: group, name };
  }
  const group = groupName?.trim() || DEFAULT_GROUP;
  return { grouped: `${group}${GROUP_SEPARATOR}${trimmed}`, groupName: group, name: trimmed };
}

export function splitGrouped(grouped: string): { groupName: string; name: string } {
  const at = grouped.indexOf(GROUP_SEPARATOR);
  return at < 0
    ? { groupName: DEFAULT_GROUP, name: grouped }
    : { groupName: grouped.slice(0, at), name: grouped.slice(at + GROUP_SEPARATOR.length) };
}

/** Cluster lists are compared and cached sorted, without blanks or duplicates. */
export function normalizeClusters(clusters: readonly string[] | undefined): string[] {
  if (clusters === undefined) return [];
  if (!Array.isArray(clusters)) throw new OptionsError('clusters must be an array of cluster names');
  const names = new Set<string>();
  for (const c of clusters) {
    if (typeof c !== 'string') throw new OptionsError('clusters must be an array of cluster names');
    if (c.trim() !== '') names.add(c.trim());
  }
  return [...names].sort();
}
