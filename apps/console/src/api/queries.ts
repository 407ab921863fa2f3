import { infiniteQueryOptions, keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { AuditQuery, ServiceListQuery } from '@beacon/sdk/admin';
import { admin } from './admin.js';

/**
 * One queryOptions factory per resource, with hierarchical keys so that a change can invalidate
 * "everything about services of namespace X" by prefix.
 *
 *   ['namespaces']
 *   ['status']
 *   ['ns', namespaceId, 'groups']
 *   ['ns', namespaceId, 'services', 'list', filters]
 *   ['ns', namespaceId, 'services', 'detail', group, name]
 *   ['ns', namespaceId, 'services', 'detail', group, name, 'subscribers' | 'history']
 *   ['auth-mode'] · ['auth', 'me', namespaceId] · ['auth', 'users'] · ['auth', 'permissions']
 *   ['audit', filters]
 */
export const namespacesQueries = {
  all: () =>
    queryOptions({
      queryKey: ['namespaces'] as const,
      queryFn: () => admin.listNamespaces(),
      staleTime: 30_000,
    }),
};

/** Every readable namespace's health and the worst services across them; polled, as it spans namespaces. */
export const overviewQueries = {
  current: () =>
    queryOptions({
      queryKey: ['overview'] as const,
      queryFn: () => admin.getOverview(),
      refetchInterval: 5_000,
    }),
};

export const statusQueries = {
  current: () =>
    queryOptions({
      queryKey: ['status'] as const,
      queryFn: () => admin.getStatus(),
      refetchInterval: 30_000,
    }),
};

export const groupsQueries = {
  list: (namespaceId: string) =>
    queryOptions({
      queryKey: ['ns', namespaceId, 'groups'] as const,
      queryFn: () => admin.listGroups(namespaceId),
      staleTime: 10_000,
    }),
};

export type HealthFilter = NonNullable<ServiceListQuery['health']>;

export interface ServiceFilters {
  readonly search: string;
  readonly group: string;
  readonly health: HealthFilter;
  /** Services without instances are hidden unless asked for (as in Nacos). */
  readonly showEmpty: boolean;
  readonly page: number;
  readonly pageSize: number;
}

export const servicesQueries = {
  /** Prefix of everything about the services of a namespace. */
  all: (namespaceId: string) => ['ns', namespaceId, 'services'] as const,
  lists: (namespaceId: string) => [...servicesQueries.all(namespaceId), 'list'] as const,
  list: (namespaceId: string, filters: ServiceFilters) =>
    queryOptions({
      queryKey: [...servicesQueries.lists(namespaceId), filters] as const,
      queryFn: () => {
        // Worst first: an unhealthy service is on page 1 of the default view, however many there are.
        const query: ServiceListQuery = {
          page: filters.page,
          pageSize: filters.pageSize,
          sort: 'health',
          hideEmpty: !filters.showEmpty,
        };
        if (filters.health !== 'all') query.health = filters.health;
        if (filters.search) query.search = filters.search;
        if (filters.group) query.group = filters.group;
        return admin.listServices(namespaceId, query);
      },
      // Typing in the search box keeps the previous page on screen until the new one arrives.
      placeholderData: keepPreviousData,
    }),
  details: (namespaceId: string) => [...servicesQueries.all(namespaceId), 'detail'] as const,
  detail: (namespaceId: string, groupName: string, name: string) =>
    queryOptions({
      queryKey: [...servicesQueries.details(namespaceId), groupName, name] as const,
      queryFn: () => admin.getService(namespaceId, groupName, name),
    }),
  subscribers: (namespaceId: string, groupName: string, name: string) =>
    queryOptions({
      queryKey: [...servicesQueries.detail(namespaceId, groupName, name).queryKey, 'subscribers'] as const,
      queryFn: () => admin.listSubscribers(namespaceId, groupName, name),
      refetchInterval: 10_000,
    }),
  history: (namespaceId: string, groupName: string, name: string, windowMs: number) =>
    queryOptions({
      queryKey: [...servicesQueries.detail(namespaceId, groupName, name).queryKey, 'history', windowMs] as const,
      queryFn: () => admin.getHealthHistory(namespaceId, groupName, name, windowMs),
      // The server keeps points at 10 s resolution; live changes also invalidate the detail prefix.
      refetchInterval: 10_000,
      placeholderData: keepPreviousData,
    }),
};

export const authQueries = {
  all: () => ['auth'] as const,
  /** Whether the server asks for credentials: public, so a fresh load asks this before anything else. */
  mode: () =>
    queryOptions({
      queryKey: ['auth-mode'] as const,
      queryFn: () => admin.getAuthMode(),
      staleTime: Infinity,
    }),
  /** Who we are and what we may do in each namespace; `authEnabled: false` when auth is off. */
  me: (namespaceId: string) =>
    queryOptions({
      queryKey: [...authQueries.all(), 'me', namespaceId] as const,
      queryFn: () => admin.getMe(namespaceId),
      staleTime: 60_000,
    }),
  users: () =>
    queryOptions({
      queryKey: [...authQueries.all(), 'users'] as const,
      queryFn: () => admin.listUsers(),
    }),
  permissions: () =>
    queryOptions({
      queryKey: [...authQueries.all(), 'permissions'] as const,
      queryFn: () => admin.listPermissions(),
    }),
};

/** The audit trail's filters as the Audit page keeps them in its URL. */
export type AuditFilters = Pick<AuditQuery, 'target' | 'actor' | 'action' | 'from' | 'to'>;

/** Newest first, a page at a time: each further page starts at the previous one's cursor. */
export const auditQueries = {
  all: () => ['audit'] as const,
  list: (filters: AuditFilters) =>
    infiniteQueryOptions({
      queryKey: [...auditQueries.all(), filters] as const,
      queryFn: ({ pageParam }) =>
        admin.listAudit({ ...filters, pageSize: 50, ...(pageParam ? { cursor: pageParam } : {}) }),
      initialPageParam: '',
      getNextPageParam: (last) => last.nextCursor,
      refetchInterval: 15_000,
    }),
};
