import { useId, useState } from 'react';
import { useCreateService } from '../api/mutations.js';
import { navigate, servicePath } from '../app/router.js';
import { Dialog } from '../ui/dialog.js';
import { PROTECT_THRESHOLD_RULE, protectThresholdError } from './protect-threshold.js';

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
  const id = useId();
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
      <div className="field">
        <label htmlFor={`${id}-name`}>Service name</label>
        <input
          id={`${id}-name`}
          className="input mono"
          autoComplete="off"
          value={name}
          aria-invalid={submitted && nameError ? true : undefined}
          onChange={(e) => {
            setName(e.target.value);
            mutation.reset();
          }}
        />
        {submitted && nameError && <p className="field-error">{nameError}</p>}
      </div>
      <div className="field">
        <label htmlFor={`${id}-group`}>Group</label>
        <input
          id={`${id}-group`}
          className="input mono"
          autoComplete="off"
          value={groupName}
          onChange={(e) => setGroupName(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-threshold`}>Protect threshold</label>
        <input
          id={`${id}-threshold`}
          className="input mono narrow"
          inputMode="decimal"
          autoComplete="off"
          value={threshold}
          aria-invalid={submitted && thresholdError ? true : undefined}
          aria-describedby={`${id}-threshold-hint`}
          onChange={(e) => setThreshold(e.target.value)}
        />
        {submitted && thresholdError && <p className="field-error">{thresholdError}</p>}
        <p className="hint" id={`${id}-threshold-hint`}>
          From 0 to 1. {PROTECT_THRESHOLD_RULE}
        </p>
      </div>
    </Dialog>
  );
}
