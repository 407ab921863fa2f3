import { useId, useMemo, useState, type FormEvent } from 'react';
import type { ServiceDetailDto } from '@beacon/sdk/admin';
import { useUpdateService } from '../api/mutations.js';
import { useAccess } from '../auth/access.js';
import { formatMillis, formatRatio } from '../lib/format.js';
import { INTERVAL_BOUNDS_TEXT } from '../instances/instance-form.js';
import { Field } from '../ui/field.js';
import { ServerError } from '../ui/feedback.js';
import { MetadataEditor } from '../ui/metadata-editor.js';
import { PROTECT_THRESHOLD_RULE } from './protect-threshold.js';
import { ProtectThresholdField } from './protect-threshold-field.js';
import {
  formFromService,
  hasServiceErrors,
  serviceUpdate,
  validateServiceForm,
  type ServiceForm,
} from './service-form.js';

/** Protect threshold and service metadata; opened on demand so live updates do not fight typing. */
export function ServiceSettings({ service, onSaved }: { service: ServiceDetailDto; onSaved: (m: string) => void }) {
  const [editing, setEditing] = useState(false);
  const access = useAccess();
  const id = useId();
  if (!editing) {
    return (
      <section className="panel" aria-labelledby={`${id}-title`}>
        <div className="panel-header">
          <h2 id={`${id}-title`}>Settings</h2>
          {access.write && (
            <button type="button" className="button button-secondary" onClick={() => setEditing(true)}>
              Edit settings
            </button>
          )}
        </div>
        <dl className="settings-list">
          <div>
            <dt>Protect threshold</dt>
            <dd>
              <span className="mono">{service.protectThreshold}</span> ({formatRatio(service.protectThreshold)} healthy)
              <span className="hint block">{PROTECT_THRESHOLD_RULE}</span>
            </dd>
          </div>
          <div>
            <dt>Default beat interval</dt>
            <dd data-testid="default-beat-interval">
              {service.defaultBeatIntervalMs !== undefined ? (
                <span className="mono">{formatMillis(service.defaultBeatIntervalMs)}</span>
              ) : (
                <span className="muted">server default</span>
              )}
              <span className="hint block">{DEFAULT_INTERVAL_RULE}</span>
            </dd>
          </div>
          <div>
            <dt>Metadata</dt>
            <dd>
              {Object.keys(service.metadata).length === 0 ? (
                <span className="muted">none</span>
              ) : (
                <ul className="chips">
                  {Object.entries(service.metadata).map(([k, v]) => (
                    <li key={k} className="chip">
                      <span className="chip-key">{k}</span>=<span className="chip-value">{v}</span>
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
        </dl>
      </section>
    );
  }
  return (
    <SettingsForm
      service={service}
      titleId={`${id}-title`}
      onDone={(message) => {
        setEditing(false);
        if (message) onSaved(message);
      }}
    />
  );
}

const DEFAULT_INTERVAL_RULE =
  'For instances without an interval of their own, below their unhealthy timeout. Kept as the service metadata key preserved.heart.beat.interval, which Nacos ignores.';

function SettingsForm({
  service,
  titleId,
  onDone,
}: {
  service: ServiceDetailDto;
  titleId: string;
  onDone: (message?: string) => void;
}) {
  const [original] = useState(service);
  const [form, setForm] = useState<ServiceForm>(() => formFromService(service));
  const mutation = useUpdateService(service.namespaceId, service.groupName, service.name);
  const errors = useMemo(() => validateServiceForm(form), [form]);
  const invalid = hasServiceErrors(errors);
  const update = invalid ? undefined : serviceUpdate(form, original);
  const id = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!update) return;
    mutation.mutate(update, { onSuccess: () => onDone('Service settings saved') });
  };

  return (
    <section className="panel" aria-labelledby={titleId}>
      <form onSubmit={submit} noValidate>
        <div className="panel-header">
          <h2 id={titleId}>Settings</h2>
        </div>
        <ProtectThresholdField
          value={form.protectThreshold}
          error={errors.protectThreshold}
          onChange={(protectThreshold) => {
            setForm({ ...form, protectThreshold });
            mutation.reset();
          }}
        />
        <Field
          label="Default beat interval (ms)"
          error={errors.defaultBeatInterval}
          hint={`${INTERVAL_BOUNDS_TEXT}; empty: the server's default. ${DEFAULT_INTERVAL_RULE}`}
        >
          {(control) => (
            <input
              {...control}
              className="input mono"
              inputMode="numeric"
              autoComplete="off"
              placeholder="server default"
              value={form.defaultBeatInterval}
              onChange={(e) => {
                setForm({ ...form, defaultBeatInterval: e.target.value });
                mutation.reset();
              }}
            />
          )}
        </Field>
        <MetadataEditor
          legend="Metadata"
          idPrefix={`${id}-meta`}
          rows={form.metadata}
          errors={errors.rows}
          onChange={(metadata) => {
            setForm({ ...form, metadata });
            mutation.reset();
          }}
        />
        <ServerError error={mutation.error} />
        <div className="form-actions">
          <button type="button" className="button button-secondary" onClick={() => onDone()}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={!update || mutation.isPending}>
            {mutation.isPending ? 'Saving…' : 'Save settings'}
          </button>
        </div>
      </form>
    </section>
  );
}
