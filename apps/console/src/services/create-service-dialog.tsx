import { useState } from 'react';
import { useCreateService } from '../api/mutations.js';
import { navigate, servicePath } from '../app/router.js';
import { Dialog } from '../ui/dialog.js';
import { Field } from '../ui/field.js';
import { protectThresholdError } from './protect-threshold.js';
import { ProtectThresholdField } from './protect-threshold-field.js';

/** An admin creates an empty service (instances arrive when clients register). */
export function CreateServiceDialog({
  namespaceId,
  onClose,
  onCreated,
}: {
  namespaceId: string;
  onClose: () => void;
  onCreated: (name: string) => void;
}) {
  const [name, setName] = useState('');
  const [groupName, setGroupName] = useState('DEFAULT_GROUP');
  const [threshold, setThreshold] = useState('0');
  const [submitted, setSubmitted] = useState(false);
  const mutation = useCreateService(namespaceId);
  const nameError = name.trim() === '' ? 'Enter a service name' : undefined;
  const thresholdError = protectThresholdError(threshold);
  const submit = () => {
    setSubmitted(true);
    if (nameError || thresholdError) return;
    mutation.mutate(
      { name: name.trim(), groupName: groupName.trim() || 'DEFAULT_GROUP', protectThreshold: Number(threshold) },
      {
        onSuccess: (service) => {
          onCreated(service.name);
          navigate(servicePath(service.groupName, service.name, namespaceId));
        },
      },
    );
  };
  return (
    <Dialog
      title={`Create a service in ${namespaceId}`}
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Create service"
      pending={mutation.isPending}
      error={mutation.error}
    >
      <Field label="Service name" error={submitted && nameError}>
        {(control) => (
          <input
            {...control}
            className="input mono"
            autoComplete="off"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              mutation.reset();
            }}
          />
        )}
      </Field>
      <Field label="Group">
        {(control) => (
          <input
            {...control}
            className="input mono"
            autoComplete="off"
            value={groupName}
            onChange={(e) => setGroupName(e.target.value)}
          />
        )}
      </Field>
      <ProtectThresholdField value={threshold} error={submitted ? thresholdError : undefined} onChange={setThreshold} />
    </Dialog>
  );
}
