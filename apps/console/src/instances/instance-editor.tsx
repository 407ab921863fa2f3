import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { InstanceDto } from '@beacon/sdk/admin';
import { usePatchInstance, type InstanceTarget } from '../api/mutations.js';
import { formatMillis } from '../lib/format.js';
import { ServerError } from '../ui/feedback.js';
import { MetadataEditor } from '../ui/metadata-editor.js';
import {
  CONNECTION_HELD,
  TIMING_DEFAULTS,
  TIMING_FIELDS,
  TIMING_KEYS,
  TIMING_LABELS,
  formFromInstance,
  hasErrors,
  instancePatch,
  validateInstanceForm,
  type InstanceForm,
  type InstanceFormField,
  type TimingField,
} from './instance-form.js';

const TIMING_HINTS: Record<TimingField, string> = {
  interval: 'How often the client beats. The server returns it in every beat reply.',
  timeout: 'Silence after which the instance is marked unhealthy.',
  deleteTimeout: 'Silence after which the instance is removed.',
};

/**
 * Edits one instance in a modal dialog (focus is kept inside, Escape closes). Checks values as
 * they are typed and sends only what changed; a refusal shows the server's own message.
 */
export function InstanceEditor({
  instance,
  target,
  onClose,
  onSaved,
}: {
  instance: InstanceDto;
  target: InstanceTarget;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  // The form starts from the instance as it was when the editor opened; live updates to the
  // instance must not overwrite what the operator is typing.
  const [original] = useState(instance);
  const [form, setForm] = useState<InstanceForm>(() => formFromInstance(instance));
  const [touched, setTouched] = useState<ReadonlySet<InstanceFormField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const mutation = usePatchInstance(target);

  useEffect(() => {
    // Back to the button that opened the editor when it closes, for keyboard users.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => opener?.focus();
  }, []);

  const errors = useMemo(() => validateInstanceForm(form, original), [form, original]);
  const patch = useMemo(
    () => (hasErrors(errors) ? undefined : instancePatch(form, original)),
    [errors, form, original],
  );
  const invalid = hasErrors(errors);
  const showError = (field: InstanceFormField) => (submitted || touched.has(field) ? errors.fields[field] : undefined);

  const set = <K extends keyof InstanceForm>(key: K, value: InstanceForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    if (key !== 'metadata' && key !== 'enabled') setTouched((t) => new Set(t).add(key as InstanceFormField));
    mutation.reset();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (invalid || !patch) return;
    mutation.mutate(
      { instance: original, patch },
      {
        onSuccess: () => {
          onSaved(`Saved ${original.ip}:${original.port}`);
          onClose();
        },
      },
    );
  };

  const address = `${original.ip}:${original.port}`;
  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={`${id}-title`}
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={submit} noValidate>
        <header className="dialog-header">
          <h2 id={`${id}-title`}>
            Edit instance <span className="mono">{address}</span>
          </h2>
          <p className="muted small">
            Cluster {original.clusterName} · {original.ephemeral ? 'ephemeral' : 'persistent'}. Changes become operator
            overrides: they survive the client registering again.
          </p>
        </header>

        {original.liveness === 'connection' ? (
          <p className="muted small">{CONNECTION_HELD}</p>
        ) : (
          <fieldset className="timings">
            <legend>Beat timings (milliseconds)</legend>
            <div className="timing-grid">
              {TIMING_FIELDS.map((field) => {
                const error = showError(field);
                const inputId = `${id}-${field}`;
                const hintId = `${inputId}-hint`;
                const errorId = `${inputId}-error`;
                return (
                  <div className="field" key={field}>
                    <label htmlFor={inputId}>{TIMING_LABELS[field]}</label>
                    <div className="input-with-unit">
                      <input
                        id={inputId}
                        name={TIMING_KEYS[field]}
                        className="input mono"
                        inputMode="numeric"
                        autoComplete="off"
                        placeholder={`${TIMING_DEFAULTS[field]} (default)`}
                        value={form[field]}
                        aria-invalid={error ? true : undefined}
                        aria-describedby={error ? `${errorId} ${hintId}` : hintId}
                        onChange={(e) => set(field, e.target.value)}
                        onBlur={() => setTouched((t) => new Set(t).add(field))}
                      />
                      <span className="unit" aria-hidden="true">
                        ms
                      </span>
                    </div>
                    {error && (
                      <p className="field-error" id={errorId}>
                        {error}
                      </p>
                    )}
                    <p className="hint" id={hintId}>
                      <span className="mono">{TIMING_KEYS[field]}</span>. {TIMING_HINTS[field]} Now{' '}
                      {formatMillis(effectiveNow(original, field))}.
                    </p>
                  </div>
                );
              })}
            </div>
          </fieldset>
        )}

        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-weight`}>Weight</label>
            <input
              id={`${id}-weight`}
              className="input mono"
              inputMode="decimal"
              autoComplete="off"
              value={form.weight}
              aria-invalid={showError('weight') ? true : undefined}
              aria-describedby={showError('weight') ? `${id}-weight-error` : `${id}-weight-hint`}
              onChange={(e) => set('weight', e.target.value)}
              onBlur={() => setTouched((t) => new Set(t).add('weight'))}
            />
            {showError('weight') && (
              <p className="field-error" id={`${id}-weight-error`}>
                {showError('weight')}
              </p>
            )}
            <p className="hint" id={`${id}-weight-hint`}>
              0 to 10000; traffic share among healthy instances.
            </p>
          </div>
          <div className="field field-checkbox">
            <input
              id={`${id}-enabled`}
              type="checkbox"
              checked={form.enabled}
              onChange={(e) => set('enabled', e.target.checked)}
            />
            <label htmlFor={`${id}-enabled`}>Enabled (receives traffic)</label>
          </div>
        </div>

        <MetadataEditor
          legend="Metadata"
          idPrefix={`${id}-meta`}
          rows={form.metadata}
          errors={submitted || form.metadata.length > 0 ? errors.rows : {}}
          onChange={(rows) => set('metadata', rows)}
        />

        <ServerError error={mutation.error} id={`${id}-server-error`} />

        <footer className="dialog-footer">
          <span className="muted small" aria-live="polite">
            {invalid ? 'Fix the marked fields to save.' : patch ? 'Unsaved changes.' : 'No changes.'}
          </span>
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={invalid || !patch || mutation.isPending}
            aria-disabled={invalid || !patch || mutation.isPending}
          >
            {mutation.isPending ? 'Saving…' : 'Save changes'}
          </button>
        </footer>
      </form>
    </dialog>
  );
}

function effectiveNow(instance: InstanceDto, field: TimingField): number {
  const t = instance.timings;
  return field === 'interval' ? t.intervalMs : field === 'timeout' ? t.timeoutMs : t.deleteTimeoutMs;
}
