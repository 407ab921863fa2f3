import { useId, useState } from 'react';
import type { ClusterDto, ServiceDetailDto } from '@beacon/sdk/admin';
import { useUpdateCluster } from '../api/mutations.js';
import { useAccess } from '../auth/access.js';
import { Dialog } from '../ui/dialog.js';
import { Field } from '../ui/field.js';

type CheckerType = 'TCP' | 'HTTP' | 'NONE';

function describeChecker(c: ClusterDto): string {
  const port = c.useInstancePort ? "each instance's port" : `port ${c.checkPort}`;
  if (c.healthChecker.type === 'NONE') return 'not checked';
  if (c.healthChecker.type === 'HTTP') return `HTTP GET ${c.healthChecker.path ?? '/'} on ${port}`;
  return `${c.healthChecker.type} connect to ${port}`;
}

/** How the persistent instances of each cluster are probed, and (with write access) a way to change it. */
export function ClusterChecks({ service, onSaved }: { service: ServiceDetailDto; onSaved: (m: string) => void }) {
  const access = useAccess();
  const [editing, setEditing] = useState<ClusterDto | undefined>();
  const id = useId();
  if (service.clusters.length === 0) return null;
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <div className="panel-header">
        <h2 id={`${id}-title`}>Health checks</h2>
        <span className="muted small">Active checks apply to persistent instances; ephemeral ones beat.</span>
      </div>
      <ul className="plain-list">
        {service.clusters.map((c) => (
          <li key={c.name} data-cluster={c.name} className="cluster-check">
            <span>
              Cluster <span className="mono">{c.name}</span>: {describeChecker(c)}
            </span>
            {access.write && (
              <button
                type="button"
                className="button button-secondary"
                aria-label={`Edit health check of cluster ${c.name}`}
                onClick={() => setEditing(c)}
              >
                Edit health check
              </button>
            )}
          </li>
        ))}
      </ul>
      {editing && (
        <ClusterCheckDialog
          service={service}
          cluster={editing}
          onClose={() => setEditing(undefined)}
          onSaved={(message) => {
            setEditing(undefined);
            onSaved(message);
          }}
        />
      )}
    </section>
  );
}

function ClusterCheckDialog({
  service,
  cluster,
  onClose,
  onSaved,
}: {
  service: ServiceDetailDto;
  cluster: ClusterDto;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const id = useId();
  const mutation = useUpdateCluster(service.namespaceId, service.groupName, service.name);
  const initialType: CheckerType = cluster.healthChecker.type === 'MYSQL' ? 'TCP' : cluster.healthChecker.type;
  const [type, setType] = useState<CheckerType>(initialType);
  const [path, setPath] = useState(cluster.healthChecker.path ?? '/health');
  const [useInstancePort, setUseInstancePort] = useState(cluster.useInstancePort);
  const [checkPort, setCheckPort] = useState(String(cluster.checkPort));
  const portNumber = Number(checkPort.trim());
  const errors = {
    path: type === 'HTTP' && !path.trim().startsWith('/') ? "Start the path with '/', e.g. /health" : undefined,
    checkPort:
      !useInstancePort && (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535)
        ? 'A port from 1 to 65535'
        : undefined,
  };
  const invalid = Boolean(errors.path || errors.checkPort);
  const submit = () =>
    mutation.mutate(
      {
        clusterName: cluster.name,
        update: {
          healthChecker: type === 'HTTP' ? { type, path: path.trim() } : { type },
          useInstancePort,
          ...(useInstancePort ? {} : { checkPort: portNumber }),
        },
      },
      { onSuccess: () => onSaved(`Saved the health check of cluster ${cluster.name}`) },
    );
  return (
    <Dialog
      title={
        <>
          Health check of cluster <span className="mono">{cluster.name}</span>
        </>
      }
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Save health check"
      pending={mutation.isPending}
      disabled={invalid}
      error={mutation.error}
    >
      <Field label="Check">
        {(control) => (
          <select {...control} className="input" value={type} onChange={(e) => setType(e.target.value as CheckerType)}>
            <option value="TCP">TCP connect</option>
            <option value="HTTP">HTTP GET (200 is healthy)</option>
            <option value="NONE">None (always healthy)</option>
          </select>
        )}
      </Field>
      {type === 'HTTP' && (
        <Field label="Path" error={errors.path}>
          {(control) => (
            <input {...control} className="input mono" value={path} onChange={(e) => setPath(e.target.value)} />
          )}
        </Field>
      )}
      <div className="field field-checkbox">
        <input
          id={`${id}-own-port`}
          type="checkbox"
          checked={useInstancePort}
          onChange={(e) => setUseInstancePort(e.target.checked)}
        />
        <label htmlFor={`${id}-own-port`}>Probe each instance on its own port</label>
      </div>
      {!useInstancePort && (
        <Field label="Check port" error={errors.checkPort}>
          {(control) => (
            <input
              {...control}
              className="input mono narrow"
              inputMode="numeric"
              value={checkPort}
              onChange={(e) => setCheckPort(e.target.value)}
            />
          )}
        </Field>
      )}
    </Dialog>
  );
}
