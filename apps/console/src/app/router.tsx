import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** A few routes need no router library: the History API, popstate, and links that use them. */
const NAVIGATE_EVENT = 'beacon:navigate';

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(NAVIGATE_EVENT, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(NAVIGATE_EVENT, listener);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export interface Location {
  readonly pathname: string;
  readonly params: URLSearchParams;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, params: url.searchParams };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** `path` with query parameters; empty values are left out so URLs stay short. */
export function href(path: string, params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    // Let the browser open new tabs and windows as usual.
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    event.preventDefault();
    navigate(to);
    window.scrollTo(0, 0);
  };
  return <a href={to} onClick={handle} {...rest} />;
}

export type Route =
  | { readonly page: 'services' }
  | { readonly page: 'service'; readonly groupName: string; readonly name: string }
  | { readonly page: 'not-found' };

/** `/` and `/services` list services; `/services/{group}/{name}` is one service. */
export function matchRoute(pathname: string): Route {
  let parts: string[];
  try {
    parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { page: 'not-found' };
  }
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'services')) return { page: 'services' };
  if (parts.length === 3 && parts[0] === 'services') return { page: 'service', groupName: parts[1]!, name: parts[2]! };
  return { page: 'not-found' };
}

export function servicePath(groupName: string, name: string, namespaceId: string): string {
  return href(`/services/${encodeURIComponent(groupName)}/${encodeURIComponent(name)}`, {
    namespace: namespaceId === 'public' ? undefined : namespaceId,
  });
}
