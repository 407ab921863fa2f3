import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { InstanceDto, InstancePatchDto, ServiceUpdateDto } from '@beacon/sdk/admin';
import { admin } from './admin.js';
import { groupsQueries, servicesQueries } from './queries.js';

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
