import type { ServiceDetailDto } from '@beacon/sdk/admin';
import { useDeleteService } from '../api/mutations.js';
import { ConfirmDialog } from '../ui/dialog.js';

/** Deleting a service removes its instances too: say so, and wait for a yes. */
export function DeleteServiceDialog({
  service,
  onClose,
  onDeleted,
}: {
  service: ServiceDetailDto;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const mutation = useDeleteService(service.namespaceId);
  return (
    <ConfirmDialog
      title={`Delete service ${service.name}?`}
      confirmLabel="Delete service"
      pending={mutation.isPending}
      error={mutation.error}
      onClose={onClose}
      onConfirm={() =>
        mutation.mutate({ groupName: service.groupName, name: service.name }, { onSuccess: () => onDeleted() })
      }
    >
      <p>
        <span className="mono">
          {service.groupName}@@{service.name}
        </span>{' '}
        in namespace {service.namespaceId} and its {service.instanceCount}{' '}
        {service.instanceCount === 1 ? 'instance' : 'instances'} will be removed. Clients that still beat will register
        it again.
      </p>
    </ConfirmDialog>
  );
}
