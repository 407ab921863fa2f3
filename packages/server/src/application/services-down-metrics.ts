import type { Labels, MetricsRegistry } from '../metrics/metrics-registry.js';
import type { DownReason, DownService, ServicesDown } from './services-down.js';

/**
 * At most this many services get a series of their own (`beacon_service_down_since_seconds`), so a
 * mass outage cannot flood Prometheus; the rest are counted by `beacon_services_down_unlisted`.
 */
export const LISTED_DOWN_SERVICES = 100;

type Samples = (readonly [Labels, number])[];

/** What one scrape reports, computed once for the four series. */
interface Scrape {
  readonly counts: Record<DownReason, Samples>;
  readonly listed: Samples;
  readonly unlisted: number;
}

/**
 * The alerting series (docs/metrics.md, docs/alerting/). Counts carry `namespace` and `group` and
 * exist only while non-zero; one series per service down, capped. Every node of a cluster reports
 * the same services from its view: aggregate nodes with `max`, not `sum`.
 */
export function registerServicesDownMetrics(metrics: MetricsRegistry, down: ServicesDown): void {
  let scrape: Scrape = summarize([]);
  metrics.beforeScrape(() => (scrape = summarize(down.current())));
  metrics.gauge(
    'beacon_services_no_healthy_instances',
    'Services with instances but none healthy and enabled, by namespace and group (absent when none)',
    () => scrape.counts.no_healthy_instances,
  );
  metrics.gauge(
    'beacon_services_lost_all_instances',
    'Services that lost every instance within BEACON_OUTAGE_VISIBLE_MS, by namespace and group (absent when none)',
    () => scrape.counts.lost_all_instances,
  );
  metrics.gauge(
    'beacon_service_down_since_seconds',
    `Unix time a service went down (reason: no_healthy_instances or lost_all_instances); at most ${LISTED_DOWN_SERVICES} services, the rest in beacon_services_down_unlisted`,
    () => scrape.listed,
  );
  metrics.gauge(
    'beacon_services_down_unlisted',
    `Services down beyond the ${LISTED_DOWN_SERVICES} listed in beacon_service_down_since_seconds`,
    () => scrape.unlisted,
  );
}

function summarize(services: readonly DownService[]): Scrape {
  const counts = new Map<string, { labels: Labels; reason: DownReason; count: number }>();
  for (const s of services) {
    const key = `${s.reason}\u0000${s.namespaceId}\u0000${s.group}`;
    const entry = counts.get(key) ?? {
      labels: { namespace: s.namespaceId, group: s.group },
      reason: s.reason,
      count: 0,
    };
    entry.count++;
    counts.set(key, entry);
  }
  const samplesOf = (reason: DownReason): Samples =>
    [...counts.values()].filter((c) => c.reason === reason).map((c) => [c.labels, c.count] as const);
  const listed = firstInOrder(services, LISTED_DOWN_SERVICES).map(
    (s) =>
      [{ namespace: s.namespaceId, group: s.group, service: s.bareName, reason: s.reason }, s.since / 1000] as const,
  );
  return {
    counts: {
      no_healthy_instances: samplesOf('no_healthy_instances'),
      lost_all_instances: samplesOf('lost_all_instances'),
    },
    listed,
    unlisted: services.length - listed.length,
  };
}

/**
 * The first `n` services in a fixed order (lost every instance first, then by namespace and name),
 * so that the same services are listed scrape after scrape; costs the services, not a full sort.
 */
function firstInOrder(services: readonly DownService[], n: number): DownService[] {
  const keyOf = (s: DownService) =>
    `${s.reason === 'lost_all_instances' ? 0 : 1}\u0000${s.namespaceId}\u0000${s.serviceName}`;
  const kept: { key: string; service: DownService }[] = [];
  for (const service of services) {
    const key = keyOf(service);
    if (kept.length === n && key >= kept[n - 1]!.key) continue;
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (kept[mid]!.key < key) low = mid + 1;
      else high = mid;
    }
    kept.splice(low, 0, { key, service });
    if (kept.length > n) kept.pop();
  }
  return kept.map((k) => k.service);
}
