import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { InstanceDto } from '@beacon/sdk/admin';
import { isApiError } from '../api/admin.js';
import { useLive } from '../api/live-updates.js';
import { servicesQueries } from '../api/queries.js';
import { Link, href, navigate } from '../app/router.js';
import { useAccess } from '../auth/access.js';
import { InstanceEditor } from '../instances/instance-editor.js';
import { servingCounts } from '../instances/instance-list.js';
import { InstanceTable } from '../instances/instance-table.js';
import { formatRatio } from '../lib/format.js';
import { Badge, ServiceStateBadge } from '../ui/badges.js';
import { ErrorPanel, Loading } from '../ui/feedback.js';
import { HealthChart } from './health-chart.js';
import { ClusterChecks } from './cluster-checks.js';
import { DeleteServiceDialog } from './delete-service-dialog.js';
import { ServiceSettings } from './service-settings.js';
import { SubscribersPanel } from './subscribers-panel.js';

/**
 * How often the open service is re-read. Beats do not change the registry's revision, so "time
 * since the last beat" needs a read now and then even while the stream is live.
 */
const DETAIL_REFRESH_MS = 5000;

export function ServicePage({
  namespaceId,
  groupName,
  name,
  announce,
}: {
  namespaceId: string;
  groupName: string;
  name: string;
  announce: (message: string) => void;
}) {
  const live = useLive();
  const query = useQuery({
    ...servicesQueries.detail(namespaceId, groupName, name),
    refetchInterval: live.state === 'open' ? DETAIL_REFRESH_MS : 2000,
  });
  const [editing, setEditing] = useState<InstanceDto | undefined>();
  const [deleting, setDeleting] = useState(false);
  const access = useAccess();
  const service = query.data;

  useEffect(() => {
    document.title = `${name} · Beacon`;
  }, [name]);

  const back = href('/', { namespace: namespaceId === 'public' ? undefined : namespaceId });
  const breadcrumb = (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <Link to={back}>Services</Link> <span aria-hidden="true">/</span> <span>{groupName}</span>{' '}
      <span aria-hidden="true">/</span> <span aria-current="page">{name}</span>
    </nav>
  );

  if (query.isPending) return <Loading what={`service ${name}`} />;
  if (query.isError && !service) {
    return (
      <>
        {breadcrumb}
        <ErrorPanel
          error={query.error}
          title={isApiError(query.error, 404) ? 'This service does not exist (any more)' : 'Could not load the service'}
        >
          <p>
            <Link to={back}>Back to all services</Link>
          </p>
        </ErrorPanel>
      </>
    );
  }
  if (!service) return null;

  const unhealthy = service.instanceCount - service.healthyCount;
  const target = { namespaceId, groupName, serviceName: name };
  const instances = service.clusters.flatMap((c) => c.instances);
  // A disabled instance may be healthy, but clients are not given it: it does not count as serving.
  const { serving, disabled } = servingCounts(instances);
  return (
    <>
      {breadcrumb}
      <header className="page-header">
        <div>
          <h1>
            {name} <span className="subtle">in {groupName}</span>
          </h1>
          <p className="muted">
            Namespace {namespaceId} · {service.clusterCount} {service.clusterCount === 1 ? 'cluster' : 'clusters'}
            {service.selectorType === 'label' ? ' · label selector' : ''}
          </p>
        </div>
        <div className="header-actions">
          <ServiceStateBadge
            instanceCount={service.instanceCount}
            healthyCount={service.healthyCount}
            protectionReached={service.protectionReached}
          />
          {access.write && (
            <button type="button" className="button button-danger" onClick={() => setDeleting(true)}>
              Delete service
            </button>
          )}
        </div>
      </header>
      {deleting && (
        <DeleteServiceDialog
          service={service}
          onClose={() => setDeleting(false)}
          onDeleted={() => {
            announce(`Deleted service ${name}`);
            navigate(back);
          }}
        />
      )}
      {query.isError && (
        <p className="notice notice-warn" role="status">
          Showing the last known state: the latest read failed.
        </p>
      )}

      <section className="stats" aria-label="Summary">
        <div className="stat">
          <span className="stat-label">Instances</span>
          <span className="stat-value">{service.instanceCount}</span>
        </div>
        <div className="stat stat-ok">
          <span className="stat-label">Healthy &amp; enabled</span>
          <span className="stat-value">{serving}</span>
          {disabled > 0 && <span className="muted small">{disabled} disabled</span>}
        </div>
        <div className={unhealthy > 0 ? 'stat stat-bad' : 'stat'}>
          <span className="stat-label">Unhealthy</span>
          <span className="stat-value">{unhealthy}</span>
        </div>
        <div className={service.protectionReached ? 'stat stat-bad' : 'stat'}>
          <span className="stat-label">Protect threshold</span>
          <span className="stat-value">{formatRatio(service.protectThreshold)}</span>
          {service.protectionReached && service.healthyCount > 0 && <Badge tone="bad">Reached</Badge>}
        </div>
      </section>

      <div className="two-col">
        <section className="panel">
          <HealthChart service={service} />
        </section>
        <ServiceSettings service={service} onSaved={announce} />
      </div>

      <section className="panel" aria-labelledby="instances-title">
        <div className="panel-header">
          <h2 id="instances-title">Instances</h2>
          <span className="muted" data-testid="serving-summary">
            {serving} healthy{disabled > 0 ? ` · ${disabled} disabled` : ''} · {service.instanceCount} in all
          </span>
        </div>
        <InstanceTable
          instances={instances}
          clusters={service.clusters.map((c) => c.name)}
          canEdit={access.write}
          onEdit={setEditing}
          target={target}
          onSaved={announce}
        />
      </section>

      <div className="two-col">
        <ClusterChecks service={service} onSaved={announce} />
        <SubscribersPanel namespaceId={namespaceId} groupName={groupName} name={name} />
      </div>

      {editing && (
        <InstanceEditor
          key={editing.instanceId}
          instance={editing}
          target={target}
          onClose={() => setEditing(undefined)}
          onSaved={announce}
        />
      )}
    </>
  );
}
