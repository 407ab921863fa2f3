import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { InstanceDto, InstancePatchDto, PermissionDto, ServiceUpdateDto } from '@beacon/sdk/admin';
import { admin } from './admin.js';
import { authQueries, groupsQueries, servicesQueries } from './queries.js';

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
