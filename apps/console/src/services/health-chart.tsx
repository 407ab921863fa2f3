import { useSyncExternalStore } from 'react';
import { formatClock } from '../lib/format.js';
import { useNow } from '../lib/ticker.js';
import { CHART_HEIGHT as HEIGHT, CHART_WIDTH as WIDTH, bandPaths } from './health-bands.js';
import { healthHistory, type HealthSample } from './health-history.js';

const WINDOW_MS = 5 * 60_000;

let version = 0;
healthHistory.subscribe(() => version++);
const subscribe = (listener: () => void) => healthHistory.subscribe(listener);
const getVersion = () => version;

function describe(samples: readonly HealthSample[]): string {
  const last = samples[samples.length - 1];
  if (!last) return 'No health data yet.';
  const worst = samples.reduce((w, s) => (s.unhealthy > w.unhealthy ? s : w), last);
  const now = `Now ${last.healthy} healthy and ${last.unhealthy} unhealthy.`;
  return worst.unhealthy > 0 && worst !== last
    ? `${now} Most unhealthy: ${worst.unhealthy} at ${formatClock(worst.at)}.`
    : worst.unhealthy > 0
      ? now
      : `${now} No unhealthy instances in this period.`;
}

/** Healthy vs unhealthy instances of one service over the last five minutes, as the console saw them. */
export function HealthChart({ historyKey }: { historyKey: string }) {
  useSyncExternalStore(subscribe, getVersion);
  const now = useNow();
  const from = now - WINDOW_MS;
  const samples = healthHistory.window(historyKey, from);
  const first = samples[0];
  const { healthy, unhealthy, max } = bandPaths(samples, from, now);
  const summary = describe(samples);
  const last = samples[samples.length - 1];
  return (
    <figure className="chart" aria-labelledby="health-chart-title">
      <figcaption id="health-chart-title" className="chart-title">
        <span>Health, last 5 minutes</span>
        <span className="chart-legend">
          <span className="legend legend-ok">Healthy {last?.healthy ?? 0}</span>
          <span className="legend legend-bad">Unhealthy {last?.unhealthy ?? 0}</span>
        </span>
      </figcaption>
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
        {first && first.at > from + WINDOW_MS / 5 && (
          <span
            className="chart-nodata"
            style={{ left: `${((first.at - from) / WINDOW_MS) * 50}%` }}
            aria-hidden="true"
          >
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
