import { useId, useMemo, useState, type FormEvent } from 'react';
import type { InstanceDto, InstancesBulkPatchResultDto } from '@beacon/sdk/admin';
import { usePatchInstances, type InstanceTarget } from '../api/mutations.js';
import { ModalFrame } from '../ui/dialog.js';
import { ServerError } from '../ui/feedback.js';
import { Field } from '../ui/field.js';
import { EMPTY_BULK_EDIT, bulkPatch, validateBulkEdit, type BulkEditForm } from './bulk-edit.js';
import { INTERVAL_BOUNDS_TEXT } from './instance-form.js';

/**
 * One edit for the selected instances (or all that match the filter), sent as one request; each
 * instance takes it as an operator override, as the one-instance editor does. Instances that refuse
 * it (a timeout below the new interval) are listed with the server's reason; the others are saved.
 */
export function BulkEditDialog({
  instances,
  target,
  onClose,
  onSaved,
}: {
  instances: readonly InstanceDto[];
  target: InstanceTarget;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const id = useId();
  const [form, setForm] = useState<BulkEditForm>(EMPTY_BULK_EDIT);
  const [result, setResult] = useState<InstancesBulkPatchResultDto | undefined>();
  const mutation = usePatchInstances(target);
  const errors = useMemo(() => validateBulkEdit(form), [form]);
  const patch = bulkPatch(form);
  const set = (next: Partial<BulkEditForm>) => {
    setForm((f) => ({ ...f, ...next }));
    mutation.reset();
    setResult(undefined);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!patch) return;
    const selectors = instances.map((i) => ({ clusterName: i.clusterName, ip: i.ip, port: i.port }));
    mutation.mutate(
      { instances: selectors, patch },
      {
        onSuccess: (answer) => {
          const message = `Updated ${answer.updated} of ${instances.length} instances`;
          if (answer.updated === instances.length) {
            onSaved(message);
            onClose();
          } else {
            setResult(answer);
          }
        },
      },
    );
  };

  const failed = result?.results.filter((r) => r.outcome !== 'updated') ?? [];
  return (
    <ModalFrame labelledBy={`${id}-title`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <header className="dialog-header">
          <h2 id={`${id}-title`}>
            Edit {instances.length} {instances.length === 1 ? 'instance' : 'instances'}
          </h2>
          <p className="muted small">
            Each value you set becomes an operator override on every one of them, kept when a client registers again. A
            field left empty changes nothing.
          </p>
        </header>
        <div className="field-row">
          <Field label="Heartbeat interval (ms)" error={errors.interval} hint={INTERVAL_BOUNDS_TEXT}>
            {(control) => (
              <input
                {...control}
                className="input mono"
                inputMode="numeric"
                autoComplete="off"
                placeholder="unchanged"
                value={form.interval}
                onChange={(e) => set({ interval: e.target.value })}
              />
            )}
          </Field>
          <Field label="Weight" error={errors.weight} hint="0 to 10000">
            {(control) => (
              <input
                {...control}
                className="input mono"
                inputMode="decimal"
                autoComplete="off"
                placeholder="unchanged"
                value={form.weight}
                onChange={(e) => set({ weight: e.target.value })}
              />
            )}
          </Field>
        </div>
        <div className="field-row">
          <Field label="Receives traffic">
            {(control) => (
              <select
                {...control}
                className="input"
                value={form.enabled}
                onChange={(e) => set({ enabled: e.target.value as BulkEditForm['enabled'] })}
              >
                <option value="keep">Unchanged</option>
                <option value="enabled">Enabled (online)</option>
                <option value="disabled">Disabled (offline)</option>
                <option value="client">As each client registered (remove override)</option>
              </select>
            )}
          </Field>
          <Field label="Metadata key=value" error={errors.metadata} hint="e.g. zone=b; set on each instance">
            {(control) => (
              <input
                {...control}
                className="input mono"
                autoComplete="off"
                placeholder="unchanged"
                value={form.metadata}
                onChange={(e) => set({ metadata: e.target.value })}
              />
            )}
          </Field>
        </div>

        <ServerError error={mutation.error} />
        {result && (
          <div className="notice notice-warn" role="alert" data-testid="bulk-result">
            <p>
              Updated {result.updated} of {instances.length}; {failed.length} not updated:
            </p>
            <ul className="bulk-failures">
              {failed.map((r) => (
                <li key={`${r.clusterName}/${r.ip}:${r.port}`}>
                  <span className="mono">
                    {r.ip}:{r.port}
                  </span>{' '}
                  ({r.clusterName}): {r.outcome === 'not-found' ? 'gone' : r.message}
                </li>
              ))}
            </ul>
          </div>
        )}

        <footer className="dialog-footer">
          <span className="muted small" aria-live="polite">
            {Object.keys(errors).length > 0 ? 'Fix the marked fields to save.' : patch ? '' : 'Set at least one value.'}
          </span>
          <button type="button" className="button button-secondary" onClick={onClose}>
            {result ? 'Close' : 'Cancel'}
          </button>
          <button type="submit" className="button button-primary" disabled={!patch || mutation.isPending}>
            {mutation.isPending ? 'Saving…' : `Apply to ${instances.length}`}
          </button>
        </footer>
      </form>
    </ModalFrame>
  );
}
