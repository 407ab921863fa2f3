import { InvalidParameterError, PUBLIC_NAMESPACE, bareName, groupOf } from '@beacon/core';

/**
 * What a request touches, as Nacos's NamingResourceParser sees it: `<ns>:<group>:naming/<service>`,
 * or `<ns>:*:naming/*` when it is about a whole namespace. Kept as parts, never re-parsed from the
 * string, so a `:` inside a name cannot shift one part into another.
 */
export interface NamingResource {
  readonly namespaceId: string;
  readonly groupName: string;
  readonly serviceName: string;
}

export const ANY = '*';

export function serviceResource(namespaceId: string, groupedName: string): NamingResource {
  return { namespaceId, groupName: groupOf(groupedName), serviceName: bareName(groupedName) };
}

export function namespaceResource(namespaceId: string): NamingResource {
  return { namespaceId, groupName: ANY, serviceName: ANY };
}

/** Every namespace at once (`/service/names` without a namespace): only a `*` namespace grant covers it. */
export const ALL_NAMESPACES: NamingResource = { namespaceId: ANY, groupName: ANY, serviceName: ANY };

export function formatResource(r: NamingResource): string {
  return `${r.namespaceId}:${r.groupName}:naming/${r.serviceName}`;
}

export type Action = 'r' | 'w';
export const ACTIONS = ['r', 'w', 'rw'] as const;
export type PermissionAction = (typeof ACTIONS)[number];

/** A stored grant `<ns>:<group>:<resource>` compiled once; `*` matches any run of characters. */
export class PermissionPattern {
  private readonly namespace: RegExp;
  private readonly group: RegExp;
  private readonly resource: RegExp;

  private constructor(
    readonly text: string,
    parts: [string, string, string],
  ) {
    [this.namespace, this.group, this.resource] = parts.map(glob) as [RegExp, RegExp, RegExp];
  }

  /**
   * Accepts `ns:group:naming/service` with `*` wildcards (`ns:*:*` is what the Nacos console grants
   * for a namespace). A blank namespace is `public`, as the Nacos console sends it.
   */
  static parse(text: string): PermissionPattern {
    const raw = text.trim();
    const first = raw.indexOf(':');
    const second = first < 0 ? -1 : raw.indexOf(':', first + 1);
    if (second < 0) throw new InvalidParameterError(resourceHelp(text));
    const namespace = raw.slice(0, first).trim() || PUBLIC_NAMESPACE;
    const group = raw.slice(first + 1, second).trim();
    const resource = raw.slice(second + 1).trim();
    if (group === '' || (resource !== ANY && !/^naming\/.+/.test(resource))) {
      throw new InvalidParameterError(resourceHelp(text));
    }
    return new PermissionPattern(`${namespace}:${group}:${resource}`, [namespace, group, resource]);
  }

  /** Whether the grant reaches into this namespace at all (some group or service of it). */
  matchesNamespace(namespaceId: string): boolean {
    return this.namespace.test(namespaceId);
  }

  matches(r: NamingResource): boolean {
    return (
      this.namespace.test(r.namespaceId) &&
      this.group.test(r.groupName) &&
      this.resource.test(`naming/${r.serviceName}`)
    );
  }
}

function resourceHelp(text: string): string {
  return `resource '${text}' must look like <namespace>:<group>:naming/<service> ('*' matches anything, e.g. public:*:*)`;
}

function glob(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's');
}
