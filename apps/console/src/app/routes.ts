/** The console's URLs, as pure functions (the router itself is in router.tsx). */

/** `path` with query parameters; empty values are left out so URLs stay short. */
export function href(path: string, params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

export type Route =
  | { readonly page: 'services' }
  | { readonly page: 'service'; readonly groupName: string; readonly name: string }
  | { readonly page: 'overview' }
  | { readonly page: 'users' }
  | { readonly page: 'namespaces' }
  | { readonly page: 'audit' }
  | { readonly page: 'not-found' };

/**
 * `/` and `/services` list services; `/services/{group}/{name}` is one service; `/overview` is every
 * readable namespace at a glance; `/users`, `/namespaces` and `/audit` are for admins.
 */
export function matchRoute(pathname: string): Route {
  let parts: string[];
  try {
    parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { page: 'not-found' };
  }
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'services')) return { page: 'services' };
  if (parts.length === 1 && parts[0] === 'overview') return { page: 'overview' };
  if (parts.length === 1 && parts[0] === 'users') return { page: 'users' };
  if (parts.length === 1 && parts[0] === 'namespaces') return { page: 'namespaces' };
  if (parts.length === 1 && parts[0] === 'audit') return { page: 'audit' };
  if (parts.length === 3 && parts[0] === 'services') return { page: 'service', groupName: parts[1]!, name: parts[2]! };
  return { page: 'not-found' };
}

export function servicePath(groupName: string, name: string, namespaceId: string): string {
  return href(`/services/${encodeURIComponent(groupName)}/${encodeURIComponent(name)}`, {
    namespace: namespaceId === 'public' ? undefined : namespaceId,
  });
}
