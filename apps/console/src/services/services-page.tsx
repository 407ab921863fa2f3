import { useEffect, useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { pollWhileOffline, useLive } from '../api/live-updates.js';
import { groupsQueries, servicesQueries, type HealthFilter, type ServiceFilters } from '../api/queries.js';
import { Link, href, navigate, servicePath } from '../app/router.js';
import { formatRatio } from '../lib/format.js';
import { HealthCount } from '../ui/badges.js';
import { ServiceListState } from './outage-badge.js';
import { useAccess } from '../auth/access.js';
import { ErrorPanel, Loading } from '../ui/feedback.js';
import { Pager } from '../ui/pager.js';
import { CreateServiceDialog } from './create-service-dialog.js';
import { Field } from '../ui/field.js';

const PAGE_SIZES = [10, 20, 50, 100, 200];
const SEARCH_DELAY_MS = 250;
const HEALTH_FILTERS: readonly { value: HealthFilter; label: string }[] = [
  { value: 'all', label: 'Any health' },
  { value: 'unhealthy', label: 'With unhealthy instances' },
  { value: 'protection', label: 'Protection reached' },
  { value: 'healthy', label: 'All healthy' },
  { value: 'empty', label: 'Without instances' },
];

export function readFilters(params: URLSearchParams): ServiceFilters {
  const page = Number(params.get('page'));
  const size = Number(params.get('size'));
  const health = HEALTH_FILTERS.find((h) => h.value === params.get('health'))?.value ?? 'all';
  return {
    search: params.get('q')?.trim() ?? '',
    group: params.get('group') ?? '',
    health,
    showEmpty: params.get('empty') === 'show',
    page: Number.isInteger(page) && page > 0 ? page : 1,
    pageSize: PAGE_SIZES.includes(size) ? size : 20,
  };
}

function filtersHref(namespaceId: string, f: ServiceFilters): string {
  return href('/', {
    namespace: namespaceId === 'public' ? undefined : namespaceId,
    q: f.search,
    group: f.group,
    health: f.health !== 'all' ? f.health : undefined,
    empty: f.showEmpty ? 'show' : undefined,
    page: f.page > 1 ? f.page : undefined,
    size: f.pageSize !== 20 ? f.pageSize : undefined,
  });
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Every service of a namespace, worst first: services with unhealthy instances (or protection
 * reached) lead, empty ones are hidden unless asked for; the server filters, sorts and pages.
 */
export function ServicesPage({
  namespaceId,
  filters,
  announce,
}: {
  namespaceId: string;
  filters: ServiceFilters;
  announce: (message: string) => void;
}) {
  const live = useLive();
  const access = useAccess();
  const [creating, setCreating] = useState(false);
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
  // A page past the end was served as the last page: say so in the URL too.
  const servedPage = data && !list.isPlaceholderData ? data.page : undefined;
  useEffect(() => {
    if (servedPage !== undefined && servedPage !== filters.page) {
      navigate(filtersHref(namespaceId, { ...filters, page: servedPage }), { replace: true });
    }
  }, [servedPage, filters, namespaceId]);
  const summary = data?.summary;

  return (
    <>
      <header className="page-header">
        <div>
          <h1>Services</h1>
          <p className="muted summary-line" data-testid="services-summary">
            Namespace {namespaceId}
            {summary && (
              <>
                {' · '}
                {plural(summary.services, 'service', 'services')} ·{' '}
                <span className={summary.withUnhealthy > 0 ? 'text-bad' : undefined}>
                  {summary.withUnhealthy} with unhealthy instances
                </span>{' '}
                · <span className={summary.allDown > 0 ? 'text-bad' : undefined}>{summary.allDown} all down</span> ·{' '}
                <span className={summary.protectionReached > 0 ? 'text-bad' : undefined}>
                  {summary.protectionReached} protection reached
                </span>
                {summary.outages > 0 && (
                  <>
                    {' · '}
                    <span className="text-bad outage-count">
                      {plural(summary.outages, 'outage', 'outages')} (lost every instance)
                    </span>
                  </>
                )}
                {summary.empty > 0 && ` · ${summary.empty} without instances`}
              </>
            )}
          </p>
        </div>
        {access.write && (
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            Create service
          </button>
        )}
      </header>
      {creating && (
        <CreateServiceDialog
          namespaceId={namespaceId}
          onClose={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            announce(`Created service ${name}`);
          }}
        />
      )}

      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <Field label="Search by name">
          {(control) => (
            <input
              {...control}
              type="search"
              className="input"
              placeholder="e.g. orders"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          )}
        </Field>
        <Field label="Group">
          {(control) => (
            <select
              {...control}
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
          )}
        </Field>
        <Field label="Health">
          {(control) => (
            <select
              {...control}
              className="input"
              value={filters.health}
              onChange={(e) => go({ health: e.target.value as HealthFilter, page: 1 })}
            >
              {HEALTH_FILTERS.map((h) => (
                <option key={h.value} value={h.value}>
                  {h.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field field-checkbox">
          <input
            id={`${id}-empty`}
            type="checkbox"
            checked={filters.showEmpty}
            onChange={(e) => go({ showEmpty: e.target.checked, page: 1 })}
          />
          <label htmlFor={`${id}-empty`}>
            Show services without instances{summary && summary.empty > 0 ? ` (${summary.empty})` : ''}
          </label>
        </div>
        <Field label="Per page">
          {(control) => (
            <select
              {...control}
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
          )}
        </Field>
      </form>

      {list.isPending && <Loading what="services" />}
      {list.isError && !data && <ErrorPanel error={list.error} title="Could not load services" />}
      {data && data.items.length === 0 && (
        <div className="panel empty">
          {filters.search || filters.group || filters.health !== 'all' ? (
            <p>No service matches these filters.</p>
          ) : summary && summary.empty > 0 && !filters.showEmpty ? (
            <p>
              Every service here is without instances ({summary.empty}). Tick “Show services without instances” to list
              them.
            </p>
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
            <caption className="visually-hidden">
              Services, those that lost every instance first, then protection reached and unhealthy, then by group and
              name
            </caption>
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
                <tr
                  key={`${s.groupName}@@${s.name}`}
                  data-service={s.name}
                  className={s.lostAllInstancesAt !== undefined ? 'row-bad row-outage' : undefined}
                >
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
                    <HealthCount healthy={s.servingCount} total={s.instanceCount} disabled={s.disabledCount} />
                  </td>
                  <td data-label="Protect threshold" className="num">
                    {formatRatio(s.protectThreshold)}
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
      {data && (
        <Pager
          label="Pages"
          rangeId={`${id}-range`}
          page={data.page}
          pages={pages}
          total={data.total}
          pageSize={data.pageSize}
          onPage={(page) => go({ page })}
        />
      )}
    </>
  );
}
