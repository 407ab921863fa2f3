import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { watchRegistry, type ServiceDetailDto, type WatchState } from '@beacon/sdk/admin';
import { auth } from '../auth/session.js';
import { authQueries, groupsQueries, namespacesQueries, servicesQueries } from './queries.js';

export interface LiveState {
  /** `forbidden`: the server refused the stream (403); it is not retried. */
  readonly state: WatchState | 'forbidden';
  /** Registry revision of the last event seen. */
  readonly revision: number | undefined;
}

const NOT_ALLOWED: LiveState = { state: 'forbidden', revision: undefined };
const CONNECTING: LiveState = { state: 'connecting', revision: undefined };

const LiveContext = createContext<LiveState>({ state: 'connecting', revision: undefined });

/** Whether the watch stream is feeding the cache; pages fall back to polling while it is not. */
export function useLive(): LiveState {
  return useContext(LiveContext);
}

/** How often to poll a query, given the stream's state: not at all while live. */
export function pollWhileOffline(live: LiveState, ms = 3000): number | false {
  return live.state === 'open' || live.state === 'forbidden' ? false : ms;
}

/** Lists are re-read, not patched: paging, sorting and filtering stay the server's. */
const LIST_REFRESH_DELAY_MS = 150;

/**
 * Follows the namespace's watch stream and writes what it says into the query cache: a service's
 * detail is replaced by the service the event carries (never by an older revision), lists and
 * counts are re-read. Pages therefore change within a second of a change, without a reload.
 */
export function LiveUpdates({
  namespaceId,
  access = 'allowed',
  children,
}: {
  namespaceId: string;
  /**
   * `pending` until the server has said what the user may do; `denied` when they may not read the
   * namespace: nothing to follow, nothing to retry.
   */
  access?: 'pending' | 'allowed' | 'denied';
  children: ReactNode;
}) {
  const enabled = access === 'allowed';
  const queryClient = useQueryClient();
  const [live, setLive] = useState<LiveState>({ state: 'connecting', revision: undefined });

  useEffect(() => {
    if (!enabled) return;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    const refreshLists = () => {
      refreshTimer ??= setTimeout(() => {
        refreshTimer = undefined;
        void queryClient.invalidateQueries({ queryKey: servicesQueries.lists(namespaceId) });
        void queryClient.invalidateQueries({ queryKey: groupsQueries.list(namespaceId).queryKey });
        void queryClient.invalidateQueries({ queryKey: namespacesQueries.all().queryKey });
      }, LIST_REFRESH_DELAY_MS);
    };

    const watch = watchRegistry({
      namespaceId,
      token: () => auth.token(),
      onSnapshot: (snapshot) => {
        const present = new Set<string>();
        for (const service of snapshot.services) {
          putService(queryClient, namespaceId, service);
          present.add(serviceKey(namespaceId, service.groupName, service.name));
        }
        // Services cached from before that the snapshot no longer has were deleted meanwhile.
        for (const query of queryClient.getQueryCache().findAll({ queryKey: servicesQueries.details(namespaceId) })) {
          const [, , , , group, name] = query.queryKey as readonly unknown[];
          if (!present.has(serviceKey(namespaceId, String(group), String(name)))) {
            void queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true });
          }
        }
        refreshLists();
        setLive({ state: 'open', revision: snapshot.revision });
      },
      onChange: (change) => {
        if (change.service) {
          putService(queryClient, namespaceId, change.service);
        } else {
          const [group = 'DEFAULT_GROUP', name = change.serviceName] = change.serviceName.split('@@');
          void queryClient.invalidateQueries({ queryKey: servicesQueries.detail(namespaceId, group, name).queryKey });
        }
        refreshLists();
        setLive({ state: 'open', revision: change.revision });
      },
      onState: (state, error) => {
        // A stream refused for want of a (valid) token means the same as any other 401.
        if (hasStatus(error, 401)) auth.loginRequired();
        // A refusal is an answer: asking again every few seconds would not change it.
        if (hasStatus(error, 403)) {
          watch.close();
          setLive((current) => ({ ...current, state: 'forbidden' }));
          void queryClient.invalidateQueries({ queryKey: authQueries.all() });
          return;
        }
        setLive((current) => ({ ...current, state }));
      },
    });
    return () => {
      watch.close();
      if (refreshTimer !== undefined) clearTimeout(refreshTimer);
    };
  }, [namespaceId, queryClient, enabled]);

  const value = enabled ? live : access === 'denied' ? NOT_ALLOWED : CONNECTING;
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

function putService(queryClient: QueryClient, namespaceId: string, service: ServiceDetailDto): void {
  const { queryKey } = servicesQueries.detail(namespaceId, service.groupName, service.name);
  queryClient.setQueryData(queryKey, (current) => (current && current.revision > service.revision ? current : service));
}

function serviceKey(namespaceId: string, groupName: string, name: string): string {
  return `${namespaceId}/${groupName}@@${name}`;
}

function hasStatus(error: unknown, status: number): boolean {
  if (!error || typeof error !== 'object') return false;
  if ((error as { status?: unknown }).status === status) return true;
  return new RegExp(`\\bHTTP ${status}\\b`).test(String((error as { message?: unknown }).message));
}
