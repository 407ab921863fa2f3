import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { overviewQueries } from '../api/queries.js';
import { Link, href, servicePath } from '../app/router.js';
import { HealthCount } from '../ui/badges.js';
import { ErrorPanel, Loading } from '../ui/feedback.js';
import { ServiceListState } from './outage-badge.js';

const namespaceHref = (namespaceId: string) =>
  href('/', { namespace: namespaceId === 'public' ? undefined : namespaceId });

/**
 * Every namespace the user may read at a glance, and the worst services across all of them: an
 * unhealthy service in another namespace needs no switch to be seen.
 */
export function OverviewPage() {
  const overview = useQuery(overviewQueries.current());
  useEffect(() => {
    document.title = 'Overview · Beacon';
  }, []);
  const data = overview.data;
  return (
    <>
      <header className="page-header">
        <div>
          <h1>Overview</h1>
          <p className="muted summary-line">Every namespace you may read; the list refreshes every 5 seconds.</p>
        </div>
      </header>
      {overview.isPending && <Loading what="the overview" />}
      {overview.isError && !data && <ErrorPanel error={overview.error} title="Could not load the overview" />}
      {data && (
        <>
          <section aria-labelledby="overview-namespaces" className="overview-section">
            <h2 id="overview-namespaces">Namespaces</h2>
            <div className="table-wrap panel flush">
              <table className="table responsive-table">
                <thead>
                  <tr>
                    <th scope="col">Namespace</th>
                    <th scope="col" className="num">
                      Services
                    </th>
                    <th scope="col" className="num">
                      Unhealthy
                    </th>
                    <th scope="col" className="num">
                      All down
                    </th>
                    <th scope="col" className="num">
                      Protection reached
                    </th>
                    <th scope="col" className="num">
                      Outages
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.namespaces.map((ns) => (
                    <tr key={ns.namespaceId} data-namespace={ns.namespaceId}>
                      <th scope="row" data-label="Namespace">
                        <Link to={namespaceHref(ns.namespaceId)} className="service-link">
                          {ns.name}
                        </Link>
                        {ns.name !== ns.namespaceId && <span className="muted"> ({ns.namespaceId})</span>}
                      </th>
                      <td data-label="Services" className="num">
                        {ns.services}
                      </td>
                      <td data-label="Unhealthy" className={ns.withUnhealthy > 0 ? 'num text-bad' : 'num'}>
                        {ns.withUnhealthy}
                      </td>
                      <td data-label="All down" className={ns.allDown > 0 ? 'num text-bad' : 'num'}>
                        {ns.allDown}
                      </td>
                      <td data-label="Protection reached" className={ns.protectionReached > 0 ? 'num text-bad' : 'num'}>
                        {ns.protectionReached}
                      </td>
                      <td data-label="Outages" className={ns.outages > 0 ? 'num text-bad' : 'num'}>
                        {ns.outages}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section aria-labelledby="overview-worst" className="overview-section">
            <h2 id="overview-worst">Worst services</h2>
            {data.worst.length === 0 ? (
              <div className="panel empty">
                <p>Every service in every namespace you may read is healthy.</p>
              </div>
            ) : (
              <div className="table-wrap panel flush">
                <table className="table responsive-table">
                  <thead>
                    <tr>
                      <th scope="col">Service</th>
                      <th scope="col">Namespace</th>
                      <th scope="col">Group</th>
                      <th scope="col">Healthy</th>
                      <th scope="col">State</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.worst.map((s) => (
                      <tr
                        key={`${s.namespaceId}/${s.groupName}@@${s.name}`}
                        data-service={`${s.namespaceId}/${s.name}`}
                        className={s.lostAllInstancesAt !== undefined ? 'row-bad row-outage' : 'row-bad'}
                      >
                        <th scope="row" data-label="Service">
                          <Link to={servicePath(s.groupName, s.name, s.namespaceId)} className="service-link">
                            {s.name}
                          </Link>
                        </th>
                        <td data-label="Namespace">{s.namespaceId}</td>
                        <td data-label="Group">{s.groupName}</td>
                        <td data-label="Healthy">
                          <HealthCount healthy={s.servingCount} total={s.instanceCount} disabled={s.disabledCount} />
                        </td>
                        <td data-label="State">
                          <ServiceListState {...s} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}
