import type { ClusterDto, InstanceDto } from '@beacon/sdk/admin';
import { formatAgo, formatMillis } from '../lib/format.js';
import { useServerNow } from '../lib/server-clock.js';
import { Badge, HealthBadge } from '../ui/badges.js';
import { CONNECTION_HELD, TIMING_KEYS } from './instance-form.js';

const LIVENESS_LABELS: Record<InstanceDto['liveness'], string> = {
  heartbeat: 'Ephemeral · heartbeat',
  connection: 'Ephemeral · connection',
  'active-check': 'Persistent · active check',
};

/** Ticks by itself, so only these cells re-render every tick, not the table. */
function SinceLastBeat({ instance }: { instance: InstanceDto }) {
  const serverNow = useServerNow();
  if (!instance.ephemeral) return <span className="muted">health-checked</span>;
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
  if (instance.liveness === 'connection') {
    return <span className="muted">{CONNECTION_HELD}</span>;
  }
  const t = instance.timings;
  const source = (key: string, fromMetadata: boolean) =>
    instance.overrides[key] !== undefined ? (
      <span className="source source-operator">operator</span>
    ) : fromMetadata ? null : (
      <span className="source">default</span>
    );
  return (
    <dl className="timings-list">
      <dt>Interval</dt>
      <dd>
        {formatMillis(t.intervalMs)} {source(TIMING_KEYS.interval, t.intervalFromMetadata)}
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
          title={`${key}=${value}${instance.overrides[key] !== undefined ? ' (set by an operator)' : ''}`}
        >
          <span className="chip-key">{key}</span>=<span className="chip-value">{value}</span>
          {instance.overrides[key] !== undefined && <span className="visually-hidden"> (set by an operator)</span>}
        </li>
      ))}
    </ul>
  );
}

/** One cluster's instances: what an operator checks first, left to right. Cards on a phone. */
export function InstanceTable({ cluster, onEdit }: { cluster: ClusterDto; onEdit: (instance: InstanceDto) => void }) {
  if (cluster.instances.length === 0) return <p className="muted">No instances in this cluster.</p>;
  const instances = [...cluster.instances].sort((a, b) =>
    a.healthy !== b.healthy ? (a.healthy ? 1 : -1) : a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.port - b.port,
  );
  return (
    <div className="table-wrap">
      <table className="table responsive-table instance-table">
        <caption className="visually-hidden">Instances of cluster {cluster.name}, unhealthy first</caption>
        <thead>
          <tr>
            <th scope="col">Instance</th>
            <th scope="col">Health</th>
            <th scope="col">Kind</th>
            <th scope="col" className="num">
              Weight
            </th>
            <th scope="col">Enabled</th>
            <th scope="col">Last beat</th>
            <th scope="col">Beat timings</th>
            <th scope="col">Metadata</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {instances.map((instance) => {
            const address = `${instance.ip}:${instance.port}`;
            return (
              <tr key={instance.instanceId} data-instance={address} className={instance.healthy ? '' : 'row-bad'}>
                <th scope="row" data-label="Instance" className="mono">
                  {address}
                </th>
                <td data-label="Health">
                  <HealthBadge healthy={instance.healthy} />
                </td>
                <td data-label="Kind">{LIVENESS_LABELS[instance.liveness]}</td>
                <td data-label="Weight" className="num mono">
                  {instance.weight}
                </td>
                <td data-label="Enabled">
                  {instance.enabled ? <Badge tone="info">Enabled</Badge> : <Badge tone="neutral">Disabled</Badge>}
                </td>
                <td data-label="Last beat">
                  <SinceLastBeat instance={instance} />
                </td>
                <td data-label="Beat timings">
                  <Timings instance={instance} />
                </td>
                <td data-label="Metadata">
                  <Metadata instance={instance} />
                </td>
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
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
