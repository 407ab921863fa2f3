import { useId, useState } from 'react';
import type { InstanceDto } from '@beacon/sdk/admin';
import { usePatchInstance, type InstanceTarget } from '../api/mutations.js';
import { formatAgo, formatMillis } from '../lib/format.js';
import { useServerNow } from '../lib/server-clock.js';
import { Badge, HealthBadge } from '../ui/badges.js';
import { ServerError } from '../ui/feedback.js';
import { Pager } from '../ui/pager.js';
import { BulkEditDialog } from './bulk-edit-dialog.js';
import {
  INSTANCE_ORDERS,
  instanceKey,
  instancePage,
  matchingInstances,
  type InstanceHealthFilter,
  type InstanceListFilters,
  type InstanceOrder,
} from './instance-list.js';
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
    ) : fromMetadata ? null : key === TIMING_KEYS.interval && t.intervalSource === 'service' ? (
      <span className="source" title="The service's default beat interval (service settings)">
        service
      </span>
    ) : (
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

/**
 * Online/offline in one click: sets the operator's enabled flag, or removes the override when the
 * client's own flag is the one wanted, so the client's value shows again.
 */
function EnabledToggle({
  instance,
  target,
  onSaved,
}: {
  instance: InstanceDto;
  target: InstanceTarget;
  onSaved: (m: string) => void;
}) {
  const mutation = usePatchInstance(target);
  const address = `${instance.ip}:${instance.port}`;
  const next = !instance.enabled;
  return (
    <>
      <button
        type="button"
        className="button button-small button-secondary toggle-enabled"
        aria-label={`${next ? 'Bring online' : 'Take offline'} ${address}`}
        title={next ? 'Enable: clients are given it again' : 'Disable: clients are no longer given it'}
        disabled={mutation.isPending}
        onClick={() =>
          mutation.mutate(
            { instance, patch: { enabled: next === instance.client.enabled ? null : next } },
            { onSuccess: () => onSaved(`${address} ${next ? 'online' : 'offline'}`) },
          )
        }
      >
        {next ? 'Bring online' : 'Take offline'}
      </button>
      {mutation.error ? <ServerError error={mutation.error} /> : null}
    </>
  );
}

const PAGE_SIZE = 50;

/**
 * The instances of a service in one table, unhealthy first (or in the order chosen), filtered by
 * address, health, cluster and metadata and paged, so 500 instances stay one screen; cards on a
 * phone. Writers select instances (or all that match the filter) for one bulk edit, and take one
 * online or offline in a click.
 */
export function InstanceTable({
  instances: all,
  clusters,
  canEdit,
  onEdit,
  target,
  onSaved,
}: {
  instances: readonly InstanceDto[];
  clusters: readonly string[];
  canEdit: boolean;
  onEdit: (instance: InstanceDto) => void;
  target: InstanceTarget;
  onSaved: (message: string) => void;
}) {
  const id = useId();
  const [filters, setFilters] = useState<InstanceListFilters>({
    address: '',
    health: 'all',
    cluster: '',
    metadata: '',
    sort: 'health',
    page: 1,
    pageSize: PAGE_SIZE,
  });
  const [selection, setSelection] = useState<ReadonlySet<string>>(new Set());
  const [bulkEditing, setBulkEditing] = useState(false);
  const change = (next: Partial<InstanceListFilters>) => setFilters((f) => ({ ...f, page: 1, ...next }));
  const view = instancePage(all, filters);
  const matching = matchingInstances(all, filters);
  // Instances that went away drop out of the selection by themselves.
  const selected = all.filter((i) => selection.has(instanceKey(i)));
  const pageKeys = view.items.map(instanceKey);
  const pageSelected = pageKeys.filter((k) => selection.has(k)).length;
  const toggle = (keys: readonly string[], on: boolean) =>
    setSelection((current) => {
      const next = new Set(current);
      for (const k of keys) {
        if (on) next.add(k);
        else next.delete(k);
      }
      return next;
    });
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
        <Field label="Metadata">
          {(control) => (
            <input
              {...control}
              type="search"
              className="input mono"
              placeholder="key=value"
              value={filters.metadata}
              onChange={(e) => change({ metadata: e.target.value })}
            />
          )}
        </Field>
        <Field label="Sort">
          {(control) => (
            <select
              {...control}
              className="input"
              value={filters.sort}
              onChange={(e) => change({ sort: e.target.value as InstanceOrder })}
            >
              {Object.entries(INSTANCE_ORDERS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
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
      {canEdit && (
        <div className="bulk-bar" role="group" aria-label="Selected instances">
          <span aria-live="polite">
            {selected.length} selected
            {selected.length > 0 && selected.length < matching.length ? ` of ${matching.length} matching` : ''}
          </span>
          <button
            type="button"
            className="button button-small button-secondary"
            disabled={matching.length === 0 || matching.every((i) => selection.has(instanceKey(i)))}
            onClick={() => toggle(matching.map(instanceKey), true)}
          >
            Select all {matching.length} that match
          </button>
          <button
            type="button"
            className="button button-small button-secondary"
            disabled={selected.length === 0}
            onClick={() => setSelection(new Set())}
          >
            Clear selection
          </button>
          <button
            type="button"
            className="button button-small button-primary"
            disabled={selected.length === 0}
            onClick={() => setBulkEditing(true)}
          >
            Edit {selected.length} selected…
          </button>
        </div>
      )}
      {bulkEditing && (
        <BulkEditDialog instances={selected} target={target} onClose={() => setBulkEditing(false)} onSaved={onSaved} />
      )}
      {view.total === 0 ? (
        <p className="muted">No instance matches these filters.</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Instance list">
          <table className="table responsive-table instance-table" aria-describedby={`${id}-range`}>
            <caption className="visually-hidden">Instances, {INSTANCE_ORDERS[filters.sort ?? 'health']}</caption>
            <thead>
              <tr>
                {canEdit && (
                  <th scope="col" className="select-cell">
                    <input
                      type="checkbox"
                      aria-label="Select the instances on this page"
                      checked={pageSelected > 0 && pageSelected === pageKeys.length}
                      ref={(box) => {
                        if (box) box.indeterminate = pageSelected > 0 && pageSelected < pageKeys.length;
                      }}
                      onChange={(e) => toggle(pageKeys, e.target.checked)}
                    />
                  </th>
                )}
                <th scope="col">Instance</th>
                <th scope="col">Health</th>
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
                    {canEdit && (
                      <td className="select-cell">
                        <input
                          type="checkbox"
                          aria-label={`Select ${address}`}
                          checked={selection.has(instanceKey(instance))}
                          onChange={(e) => toggle([instanceKey(instance)], e.target.checked)}
                        />
                      </td>
                    )}
                    <th scope="row" data-label="Instance">
                      <span className="mono">{address}</span>
                      <span className="muted small block">
                        cluster <span className="mono">{instance.clusterName}</span>
                      </span>
                    </th>
                    <td data-label="Health">
                      <HealthBadge healthy={instance.healthy} />
                      <span className="muted small block">{LIVENESS_LABELS[instance.liveness]}</span>
                    </td>
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
                        <EnabledToggle instance={instance} target={target} onSaved={onSaved} />
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
