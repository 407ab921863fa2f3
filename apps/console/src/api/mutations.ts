import { useMutation, useQueryClient } from '@tanstack/react-query';
import type {
  ClusterUpdateDto,
  InstanceDto,
  InstancePatchDto,
  InstancesBulkPatchDto,
  NamespaceCreateDto,
  NamespaceUpdateDto,
  PermissionDto,
  ServiceCreateDto,
  ServiceUpdateDto,
} from '@beacon/sdk/admin';
import { admin } from './admin.js';
import { authQueries, groupsQueries, namespacesQueries, servicesQueries } from './queries.js';

export function useUpdateService(namespaceId: string, groupName: string, name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (update: ServiceUpdateDto) => admin.updateService(namespaceId, groupName, name, update),
    onSuccess: async (service) => {
      queryClient.setQueryData(servicesQueries.detail(namespaceId, groupName, name).queryKey, service);
      await queryClient.invalidateQueries({ queryKey: servicesQueries.all(namespaceId) });
    },
  });
}

/** Services come and go: lists, groups and namespace counts are re-read. */
function useServiceSetMutation<T, R>(namespaceId: string, run: (input: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: servicesQueries.all(namespaceId) }),
        queryClient.invalidateQueries({ queryKey: groupsQueries.list(namespaceId).queryKey }),
        queryClient.invalidateQueries({ queryKey: namespacesQueries.all().queryKey }),
      ]),
  });
}

export const useCreateService = (namespaceId: string) =>
  useServiceSetMutation(namespaceId, (body: ServiceCreateDto) => admin.createService(namespaceId, body));

export const useDeleteService = (namespaceId: string) =>
  useServiceSetMutation(namespaceId, (s: { groupName: string; name: string }) =>
    admin.deleteService(namespaceId, s.groupName, s.name),
  );

export function useUpdateCluster(namespaceId: string, groupName: string, name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ clusterName, update }: { clusterName: string; update: ClusterUpdateDto }) =>
      admin.updateCluster(namespaceId, groupName, name, clusterName, update),
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: servicesQueries.detail(namespaceId, groupName, name).queryKey }),
  });
}

/** Namespaces: the switcher's list and everyone's access are re-read. */
function useNamespaceMutation<T, R>(run: (input: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: namespacesQueries.all().queryKey }),
        queryClient.invalidateQueries({ queryKey: authQueries.all() }),
      ]),
  });
}

export const useCreateNamespace = () => useNamespaceMutation((body: NamespaceCreateDto) => admin.createNamespace(body));
export const useUpdateNamespace = () =>
  useNamespaceMutation((u: { id: string; update: NamespaceUpdateDto }) => admin.updateNamespace(u.id, u.update));
export const useDeleteNamespace = () => useNamespaceMutation((id: string) => admin.deleteNamespace(id));

export interface InstanceTarget {
  readonly namespaceId: string;
  readonly groupName: string;
  readonly serviceName: string;
}

export function usePatchInstance(target: InstanceTarget) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ instance, patch }: { instance: InstanceDto; patch: InstancePatchDto }) =>
      admin.patchInstance(
        { ...target, clusterName: instance.clusterName, ip: instance.ip, port: instance.port },
        patch,
      ),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: servicesQueries.all(target.namespaceId) }),
        queryClient.invalidateQueries({ queryKey: groupsQueries.list(target.namespaceId).queryKey }),
      ]);
    },
  });
}

/** One edit of many instances of the service; the answer says what happened to each. */
export function usePatchInstances(target: InstanceTarget) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: InstancesBulkPatchDto) => admin.patchInstances(target, body),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: servicesQueries.all(target.namespaceId) }),
        queryClient.invalidateQueries({ queryKey: groupsQueries.list(target.namespaceId).queryKey }),
      ]),
  });
}

/** User administration: every change re-reads users and permissions (one prefix). */
function useAuthMutation<T>(run: (input: T) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: authQueries.all() }),
  });
}

export const useCreateUser = () =>
  useAuthMutation((u: { username: string; password: string }) => admin.createUser(u.username, u.password));
export const useChangePassword = () =>
  useAuthMutation((u: { username: string; password: string }) => admin.changePassword(u.username, u.password));
export const useDeleteUser = () => useAuthMutation((username: string) => admin.deleteUser(username));
export const useBindRole = () =>
  useAuthMutation((b: { role: string; username: string }) => admin.bindRole(b.role, b.username));
export const useUnbindRole = () =>
  useAuthMutation((b: { role: string; username: string }) => admin.unbindRole(b.role, b.username));
export const useGrantPermission = () => useAuthMutation((p: PermissionDto) => admin.grantPermission(p));
export const useRevokePermission = () => useAuthMutation((p: PermissionDto) => admin.revokePermission(p));
