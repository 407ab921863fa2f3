import { useId, useState } from 'react';
import type { InstanceDto } from '@beacon/sdk/admin';
import { formatAgo, formatMillis } from '../lib/format.js';
import { useServerNow } from '../lib/server-clock.js';
import { Badge, HealthBadge } from '../ui/badges.js';
import { Pager } from '../ui/pager.js';
import { instancePage, type InstanceHealthFilter, type InstanceListFilters } from './instance-list.js';
import { CONNECTION_HELD, TIMING_KEYS } from './instance-form.js';
import { Field } from '../ui/field.js';

const LIVENESS_LABELS: Record<InstanceDto['liveness'], string> = {
  heartbeat: 'Ephemeral · heartbeat',
  connection: 'Ephemeral · connection',
  'active-check': 'Persistent · active check',
};

/** A persistent instance: when the server last probed it, and why the last failure failed. */
function LastCheck({ instance }: { instance: InstanceDto }) {
  const serverNow = useServerNow();
  const check = instance.lastCheck;
  if (!check) return <span className="muted">not checked yet</span>;
  return (
    <span className="last-check">
      <time dateTime={new Date(check.at).toISOString()} title={new Date(check.at).toLocaleString()}>
        checked {formatAgo(serverNow - check.at)}
      </time>
      {check.outcome === 'ok' ? (
        <span className="muted"> · ok in {check.rtMs} ms</span>
      ) : (
        <span className="check-failure"> · failed: {check.reason}</span>
      )}
      {check.outcome === 'ok' && check.lastFailureAt !== undefined && (
        <span className="muted small block">
          last failure {formatAgo(serverNow - check.lastFailureAt)}: {check.lastFailureReason}
        </span>
      )}
    </span>
  );
}

/** Ticks by itself, so only these cells re-render every tick, not the table. */
function SinceLastBeat({ instance }: { instance: InstanceDto }) {
  const serverNow = useServerNow();
  if (!instance.ephemeral) return <LastCheck instance={instance} />;
  if (instance.liveness === 'connection') return <span className="muted">connected</span>;
  const elapsed = serverNow - instance.lastBeat;
  // Silent for more than two intervals: worth a glance even before the timeout hits.
  const late = elapsed > 2 * instance.timings.intervalMs;
  return (
    <time
      dateTime={new Date(instance.lastBeat).toISOString()}
      title={new Date(instance.lastBeat).toLocaleString()}
      className={late ? 'late' : undefined}
    >
      {formatAgo(elapsed)}
    </time>
  );
}

function Timings({ instance }: { instance: InstanceDto }) {
  if (!instance.ephemeral) return <span className="muted">—</span>;
  if (instance.liveness === 'connection') return <span className="muted">{CONNECTION_HELD}</span>;
  const t = instance.timings;
  const source = (key: string, fromMetadata: boolean) =>
    instance.overrides[key] !== undefined ? (
      <span className="source source-operator" title={overrideNote(instance, key).trim()}>
        operator
      </span>
    ) : fromMetadata ? null : (
      <span className="source">default</span>
    );
  return (
    <dl className="timings-list">
      <dt>Interval</dt>
      <dd>
        {formatMillis(t.intervalMs)} {source(TIMING_KEYS.interval, t.intervalFromMetadata)}
        <IntervalOutOfBounds instance={instance} />
      </dd>
      <dt>Unhealthy after</dt>
      <dd>
        {formatMillis(t.timeoutMs)} {source(TIMING_KEYS.timeout, instance.metadata[TIMING_KEYS.timeout] !== undefined)}
      </dd>
      <dt>Deleted after</dt>
      <dd>
        {formatMillis(t.deleteTimeoutMs)}{' '}
        {source(TIMING_KEYS.deleteTimeout, instance.metadata[TIMING_KEYS.deleteTimeout] !== undefined)}
      </dd>
    </dl>
  );
}

/**
 * The server holds a client's interval to 1 s – 1 h in its beat replies; when the client asked for
 * something else (a "1" meant as seconds, a "0"), the operator should know the fleet is misconfigured.
 */
function IntervalOutOfBounds({ instance }: { instance: InstanceDto }) {
  const declared = instance.metadata[TIMING_KEYS.interval];
  if (!instance.timings.intervalFromMetadata || declared === undefined) return null;
  if (Number(declared) === instance.timings.intervalMs) return null;
  return (
    <span className="interval-warning" role="note">
      {' '}
      ⚠ client asked for {declared} ms, outside 1 s – 1 h; told {formatMillis(instance.timings.intervalMs)}
    </span>
  );
}

/** " (operator override; client's value: x)" for an overridden key, '' otherwise. */
function overrideNote(instance: InstanceDto, key: string): string {
  if (instance.overrides[key] === undefined) return '';
  const client = instance.client.metadata[key];
  return ` (operator override; client's value: ${client ?? 'not set'})`;
}

/** "operator" beside a value an operator set, with the client's own value in its title. */
function OperatorMark({ title }: { title: string }) {
  return (
    <>
      {' '}
      <span className="source source-operator" title={title}>
        operator
      </span>
      <span className="visually-hidden"> ({title})</span>
    </>
  );
}

/** The timing keys are shown, labelled, in their own column. */
const SHOWN_ELSEWHERE: readonly string[] = Object.values(TIMING_KEYS);

function Metadata({ instance }: { instance: InstanceDto }) {
  const entries = Object.entries(instance.metadata)
    .filter(([key]) => !SHOWN_ELSEWHERE.includes(key))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="chips">
      {entries.map(([key, value]) => (
        <li
          key={key}
          className={instance.overrides[key] !== undefined ? 'chip chip-override' : 'chip'}
          title={`${key}=${value}${overrideNote(instance, key)}`}
        >
          <span className="chip-key">{key}</span>=<span className="chip-value">{value}</span>
          {instance.overrides[key] !== undefined && (
            <span className="visually-hidden">{overrideNote(instance, key)}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

const PAGE_SIZE = 50;

/**
 * The instances of a service in one table, unhealthy first and then by address (numerically),
 * filtered by address, health and cluster and paged, so 500 instances stay one screen. Cards on a phone.
 */
export function InstanceTable({
  instances: all,
  clusters,
  canEdit,
  onEdit,
}: {
  instances: readonly InstanceDto[];
  clusters: readonly string[];
  canEdit: boolean;
  onEdit: (instance: InstanceDto) => void;
}) {
  const id = useId();
  const [filters, setFilters] = useState<InstanceListFilters>({
    address: '',
    health: 'all',
    cluster: '',
    page: 1,
    pageSize: PAGE_SIZE,
  });
  const change = (next: Partial<InstanceListFilters>) => setFilters((f) => ({ ...f, page: 1, ...next }));
  const view = instancePage(all, filters);
  if (all.length === 0) return <p className="muted">No instances yet.</p>;
  return (
    <>
      <form className="filters" role="search" aria-label="Filter instances" onSubmit={(e) => e.preventDefault()}>
        <Field label="Address">
          {(control) => (
            <input
              {...control}
              type="search"
              className="input mono"
              placeholder="e.g. 10.0.0."
              value={filters.address}
              onChange={(e) => change({ address: e.target.value })}
            />
          )}
        </Field>
        <Field label="Health">
          {(control) => (
            <select
              {...control}
              className="input"
              value={filters.health}
              onChange={(e) => change({ health: e.target.value as InstanceHealthFilter })}
            >
              <option value="all">All</option>
              <option value="unhealthy">Unhealthy</option>
              <option value="healthy">Healthy</option>
            </select>
          )}
        </Field>
        {clusters.length > 1 && (
          <Field label="Cluster">
            {(control) => (
              <select
                {...control}
                className="input"
                value={filters.cluster}
                onChange={(e) => change({ cluster: e.target.value })}
              >
                <option value="">All clusters</option>
                {clusters.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
      </form>
      {view.total === 0 ? (
        <p className="muted">No instance matches these filters.</p>
      ) : (
        <div className="table-wrap">
          <table className="table responsive-table instance-table" aria-describedby={`${id}-range`}>
            <caption className="visually-hidden">Instances, unhealthy first, then by address</caption>
            <thead>
              <tr>
                <th scope="col">Instance</th>
                <th scope="col">Cluster</th>
                <th scope="col">Health</th>
                <th scope="col">Kind</th>
                <th scope="col" className="num">
                  Weight
                </th>
                <th scope="col">Enabled</th>
                <th scope="col">Last beat / check</th>
                <th scope="col">Beat timings</th>
                <th scope="col">Metadata</th>
                {canEdit && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {view.items.map((instance) => {
                const address = `${instance.ip}:${instance.port}`;
                return (
                  <tr key={instance.instanceId} data-instance={address} className={instance.healthy ? '' : 'row-bad'}>
                    <th scope="row" data-label="Instance" className="mono">
                      {address}
                    </th>
                    <td data-label="Cluster" className="mono">
                      {instance.clusterName}
                    </td>
                    <td data-label="Health">
                      <HealthBadge healthy={instance.healthy} />
                    </td>
                    <td data-label="Kind">{LIVENESS_LABELS[instance.liveness]}</td>
                    <td data-label="Weight" className="num mono">
                      {instance.weight}
                      {instance.weightOverridden && (
                        <OperatorMark title={`operator override; client's value: ${instance.client.weight}`} />
                      )}
                    </td>
                    <td data-label="Enabled">
                      {instance.enabled ? <Badge tone="info">Enabled</Badge> : <Badge tone="neutral">Disabled</Badge>}
                      {instance.enabledOverridden && (
                        <OperatorMark
                          title={`operator override; client's value: ${instance.client.enabled ? 'enabled' : 'disabled'}`}
                        />
                      )}
                    </td>
                    <td data-label="Last beat / check">
                      <SinceLastBeat instance={instance} />
                    </td>
                    <td data-label="Beat timings">
                      <Timings instance={instance} />
                    </td>
                    <td data-label="Metadata">
                      <Metadata instance={instance} />
                    </td>
                    {canEdit && (
                      <td className="actions">
                        <button
                          type="button"
                          className="button button-secondary"
                          aria-label={`Edit instance ${address}`}
                          onClick={() => onEdit(instance)}
                        >
                          Edit
                        </button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Instance pages"
        rangeId={`${id}-range`}
        page={view.page}
        pages={view.pages}
        total={view.total}
        pageSize={filters.pageSize}
        onPage={(page) => setFilters((f) => ({ ...f, page }))}
      />
    </>
  );
}
