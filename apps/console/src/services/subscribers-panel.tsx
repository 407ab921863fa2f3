import { useId } from 'react';
import { useQuery } from '@tanstack/react-query';
import { servicesQueries } from '../api/queries.js';
import { ErrorPanel } from '../ui/feedback.js';

const SUBSCRIBER_KINDS = {
  udp: 'UDP push (Nacos 1.x)',
  watch: 'Watch stream',
  grpc: 'gRPC connection (Nacos 2.x)',
} as const;

/** Who is told about changes to this service: Nacos 1.x clients (UDP pushes) and watch streams. */
export function SubscribersPanel({
  namespaceId,
  groupName,
  name,
}: {
  namespaceId: string;
  groupName: string;
  name: string;
}) {
  const id = useId();
  const query = useQuery(servicesQueries.subscribers(namespaceId, groupName, name));
  const subscribers = query.data ?? [];
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <div className="panel-header">
        <h2 id={`${id}-title`}>Subscribers</h2>
        <span className="muted small">
          {query.data ? `${subscribers.length} listening` : 'Loading…'} · UDP targets polled within the last minute and
          open watch streams
        </span>
      </div>
      {query.isError && !query.data && <ErrorPanel error={query.error} title="Could not load the subscribers" />}
      {query.data && subscribers.length === 0 && <p className="muted">Nobody subscribes to this service right now.</p>}
      {subscribers.length > 0 && (
        // Focusable, so a keyboard can scroll the wide agent strings into view (axe: scrollable-region-focusable).
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Subscriber list">
          <table className="table subscribers-table">
            <caption className="visually-hidden">Subscribers of {name}</caption>
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">Kind</th>
                <th scope="col">Client</th>
                <th scope="col">App</th>
              </tr>
            </thead>
            <tbody>
              {subscribers.map((s) => (
                <tr key={`${s.kind}/${s.ip}:${s.port}/${s.agent}`} data-subscriber={`${s.ip}:${s.port}`}>
                  <th scope="row" className="mono">
                    {s.ip}:{s.port}
                  </th>
                  <td>{SUBSCRIBER_KINDS[s.kind]}</td>
                  <td className="mono small">{s.agent}</td>
                  <td>{s.app}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
