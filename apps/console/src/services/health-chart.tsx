import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { HealthPointDto, ServiceDetailDto } from '@beacon/sdk/admin';
import { servicesQueries } from '../api/queries.js';
import { formatClock } from '../lib/format.js';
import { useNow } from '../lib/ticker.js';
import { CHART_HEIGHT as HEIGHT, CHART_WIDTH as WIDTH, bandPaths } from './health-bands.js';

const WINDOWS = [
  { ms: 5 * 60_000, label: '5 minutes' },
  { ms: 15 * 60_000, label: '15 minutes' },
  { ms: 60 * 60_000, label: '1 hour' },
] as const;

function describe(points: readonly HealthPointDto[]): string {
  const last = points[points.length - 1];
  if (!last) return 'No health data yet.';
  const worst = points.reduce((w, s) => (s.unhealthy > w.unhealthy ? s : w), last);
  const now = `Now ${last.healthy} healthy and ${last.unhealthy} unhealthy.`;
  return worst.unhealthy > 0 && worst !== last
    ? `${now} Most unhealthy: ${worst.unhealthy} at ${formatClock(worst.at)}.`
    : worst.unhealthy > 0
      ? now
      : `${now} No unhealthy instances in this period.`;
}

/**
 * Healthy vs unhealthy instances of one service, from the history the server keeps (an hour at
 * 10 s resolution), so the chart is full on every load; the live service gives the last point.
 */
export function HealthChart({ service }: { service: ServiceDetailDto }) {
  const id = useId();
  const [windowMs, setWindowMs] = useState<number>(WINDOWS[0].ms);
  const history = useQuery(servicesQueries.history(service.namespaceId, service.groupName, service.name, windowMs));
  const now = useNow();
  const from = now - windowMs;
  // The server's last point is its "now"; the live service (watch stream) is fresher.
  const current = { at: now, healthy: service.healthyCount, unhealthy: service.instanceCount - service.healthyCount };
  const points: HealthPointDto[] = [...(history.data?.points ?? []).slice(0, -1), current];
  const first = points[0];
  const { healthy, unhealthy, max } = bandPaths(points, from, now);
  const summary = history.isPending ? 'Loading the health history…' : describe(points);
  const windowLabel = WINDOWS.find((w) => w.ms === windowMs)?.label ?? '';
  return (
    <figure className="chart" aria-labelledby={`${id}-title`} data-points={history.data?.points.length ?? 0}>
      <figcaption id={`${id}-title`} className="chart-title">
        <span>Health, last {windowLabel}</span>
        <span className="chart-legend">
          <span className="legend legend-ok">Healthy {current.healthy}</span>
          <span className="legend legend-bad">Unhealthy {current.unhealthy}</span>
        </span>
      </figcaption>
      <div className="chart-window" role="group" aria-label="Chart period">
        {WINDOWS.map((w) => (
          <button
            key={w.ms}
            type="button"
            className="button button-small button-secondary"
            aria-pressed={w.ms === windowMs}
            onClick={() => setWindowMs(w.ms)}
          >
            {w.label}
          </button>
        ))}
      </div>
      <div className="chart-body">
        <span className="chart-max" aria-hidden="true">
          {max}
        </span>
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={summary}
          className="chart-svg"
        >
          <defs>
            <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="6" height="6" className="chart-bad-fill" />
              <line x1="0" y1="0" x2="0" y2="6" className="chart-bad-hatch" strokeWidth="2" />
            </pattern>
          </defs>
          <line x1="0" y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} className="chart-axis" />
          {healthy && <path d={healthy} className="chart-ok" />}
          {unhealthy && <path d={unhealthy} fill="url(#hatch)" className="chart-bad" />}
        </svg>
        {first && first.at > from + windowMs / 5 && (
          <span className="chart-nodata" style={{ left: `${((first.at - from) / windowMs) * 50}%` }} aria-hidden="true">
            no data before {formatClock(first.at)}
          </span>
        )}
      </div>
      <div className="chart-axis-labels" aria-hidden="true">
        <span>{first && first.at > from + 5000 ? `since ${formatClock(first.at)}` : formatClock(from)}</span>
        <span>now</span>
      </div>
    </figure>
  );
}
