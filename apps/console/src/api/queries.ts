import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { ServiceListQuery } from '@beacon/sdk/admin';
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
 *   ['auth', 'me'] · ['auth', 'users'] · ['auth', 'permissions']
 */
export const namespacesQueries = {
  all: () =>
    queryOptions({
      queryKey: ['namespaces'] as const,
      queryFn: () => admin.listNamespaces(),
      staleTime: 30_000,
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

export interface ServiceFilters {
  readonly search: string;
  readonly group: string;
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
        const query: ServiceListQuery = { page: filters.page, pageSize: filters.pageSize };
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
};

export const authQueries = {
  all: () => ['auth'] as const,
  /** Who we are; `authEnabled: false` when the server runs without auth. */
  me: () =>
    queryOptions({
      queryKey: [...authQueries.all(), 'me'] as const,
      queryFn: () => admin.getMe(),
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
