import { useEffect, useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { pollWhileOffline, useLive } from '../api/live-updates.js';
import { groupsQueries, servicesQueries, type ServiceFilters } from '../api/queries.js';
import { Link, href, navigate, servicePath } from '../app/router.js';
import { formatRatio } from '../lib/format.js';
import { HealthCount, ServiceStateBadge } from '../ui/badges.js';
import { ErrorPanel, Loading } from '../ui/feedback.js';

const PAGE_SIZES = [10, 20, 50, 100];
const SEARCH_DELAY_MS = 250;

export function readFilters(params: URLSearchParams): ServiceFilters {
  const page = Number(params.get('page'));
  const size = Number(params.get('size'));
  return {
    search: params.get('q')?.trim() ?? '',
    group: params.get('group') ?? '',
    page: Number.isInteger(page) && page > 0 ? page : 1,
    pageSize: PAGE_SIZES.includes(size) ? size : 20,
  };
}

function filtersHref(namespaceId: string, f: ServiceFilters): string {
  return href('/', {
    namespace: namespaceId === 'public' ? undefined : namespaceId,
    q: f.search,
    group: f.group,
    page: f.page > 1 ? f.page : undefined,
    size: f.pageSize !== 20 ? f.pageSize : undefined,
  });
}

/** Every service of a namespace, searchable and paged, with its health at a glance. */
export function ServicesPage({ namespaceId, filters }: { namespaceId: string; filters: ServiceFilters }) {
  const live = useLive();
  const id = useId();
  const list = useQuery({ ...servicesQueries.list(namespaceId, filters), refetchInterval: pollWhileOffline(live) });
  const groups = useQuery({ ...groupsQueries.list(namespaceId), refetchInterval: pollWhileOffline(live, 10_000) });
  const [search, setSearch] = useState(filters.search);

  useEffect(() => {
    document.title = 'Services · Beacon';
  }, []);
  // The box follows the URL (back button), and the URL follows the box after a pause in typing.
  const [searchInUrl, setSearchInUrl] = useState(filters.search);
  if (searchInUrl !== filters.search) {
    setSearchInUrl(filters.search);
    if (search.trim() !== filters.search) setSearch(filters.search);
  }
  useEffect(() => {
    if (search.trim() === filters.search) return;
    const timer = setTimeout(
      () => navigate(filtersHref(namespaceId, { ...filters, search: search.trim(), page: 1 }), { replace: true }),
      SEARCH_DELAY_MS,
    );
    return () => clearTimeout(timer);
  }, [search, filters, namespaceId]);

  const go = (change: Partial<ServiceFilters>) => navigate(filtersHref(namespaceId, { ...filters, ...change }));
  const data = list.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const firstShown = data && data.total > 0 ? (data.page - 1) * data.pageSize + 1 : 0;
  const lastShown = data ? Math.min(data.total, data.page * data.pageSize) : 0;

  return (
    <>
      <header className="page-header">
        <div>
          <h1>Services</h1>
          <p className="muted">
            Namespace {namespaceId}
            {data ? ` · ${data.total} ${data.total === 1 ? 'service' : 'services'}` : ''}
          </p>
        </div>
      </header>

      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor={`${id}-search`}>Search by name</label>
          <input
            id={`${id}-search`}
            type="search"
            className="input"
            placeholder="e.g. orders"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-group`}>Group</label>
          <select
            id={`${id}-group`}
            className="input"
            value={filters.group}
            onChange={(e) => go({ group: e.target.value, page: 1 })}
          >
            <option value="">All groups</option>
            {groups.data?.map((g) => (
              <option key={g.name} value={g.name}>
                {g.name} ({g.serviceCount})
              </option>
            ))}
            {filters.group && !groups.data?.some((g) => g.name === filters.group) && (
              <option value={filters.group}>{filters.group}</option>
            )}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-size`}>Per page</label>
          <select
            id={`${id}-size`}
            className="input"
            value={filters.pageSize}
            onChange={(e) => go({ pageSize: Number(e.target.value), page: 1 })}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
      </form>

      {list.isPending && <Loading what="services" />}
      {list.isError && !data && <ErrorPanel error={list.error} title="Could not load services" />}
      {data && data.items.length === 0 && (
        <div className="panel empty">
          {filters.search || filters.group ? (
            <p>No service matches these filters.</p>
          ) : (
            <p>
              No services in this namespace yet. Register an instance with any Nacos client or the Beacon SDK and it
              appears here.
            </p>
          )}
        </div>
      )}
      {data && data.items.length > 0 && (
        <div className="table-wrap panel flush">
          <table className="table responsive-table services-table" aria-describedby={`${id}-range`}>
            <caption className="visually-hidden">Services, sorted by group and name</caption>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Group</th>
                <th scope="col" className="num">
                  Clusters
                </th>
                <th scope="col" className="num">
                  Instances
                </th>
                <th scope="col">Healthy</th>
                <th scope="col" className="num">
                  Protect threshold
                </th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody aria-busy={list.isFetching && list.isPlaceholderData}>
              {data.items.map((s) => (
                <tr key={`${s.groupName}@@${s.name}`} data-service={s.name}>
                  <th scope="row" data-label="Service">
                    <Link to={servicePath(s.groupName, s.name, namespaceId)} className="service-link">
                      {s.name}
                    </Link>
                  </th>
                  <td data-label="Group">{s.groupName}</td>
                  <td data-label="Clusters" className="num">
                    {s.clusterCount}
                  </td>
                  <td data-label="Instances" className="num">
                    {s.instanceCount}
                  </td>
                  <td data-label="Healthy">
                    <HealthCount healthy={s.healthyCount} total={s.instanceCount} />
                  </td>
                  <td data-label="Protect threshold" className="num">
                    {formatRatio(s.protectThreshold)}
                  </td>
                  <td data-label="State">
                    <ServiceStateBadge
                      instanceCount={s.instanceCount}
                      healthyCount={s.healthyCount}
                      protectionReached={s.protectionReached}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && data.total > 0 && (
        <nav className="pagination" aria-label="Pages">
          <span id={`${id}-range`} className="muted">
            {firstShown}–{lastShown} of {data.total}
          </span>
          <button
            type="button"
            className="button button-secondary"
            disabled={data.page <= 1}
            onClick={() => go({ page: data.page - 1 })}
          >
            Previous
          </button>
          <span aria-current="page">
            Page {data.page} of {pages}
          </span>
          <button
            type="button"
            className="button button-secondary"
            disabled={data.page >= pages}
            onClick={() => go({ page: data.page + 1 })}
          >
            Next
          </button>
        </nav>
      )}
    </>
  );
}
