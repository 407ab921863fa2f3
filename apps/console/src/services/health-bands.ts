import type { HealthPointDto as HealthSample } from '@beacon/sdk/admin';

/** The chart's own coordinates; the SVG scales them to its box. */
export const CHART_WIDTH = 600;
export const CHART_HEIGHT = 120;

/** Stepped band paths of the stacked chart: healthy at the bottom, unhealthy above it. */
export function bandPaths(samples: readonly HealthSample[], from: number, to: number) {
  const max = Math.max(1, ...samples.map((s) => s.healthy + s.unhealthy));
  const x = (t: number) => ((Math.min(Math.max(t, from), to) - from) / (to - from)) * CHART_WIDTH;
  const y = (n: number) => CHART_HEIGHT - (n / max) * (CHART_HEIGHT - 8);
  // Points of each boundary as steps: the value holds until the next sample.
  const steps = (value: (s: HealthSample) => number) => {
    const points: string[] = [];
    samples.forEach((s, i) => {
      const next = samples[i + 1];
      const end = next ? next.at : to;
      points.push(`${x(s.at).toFixed(1)},${y(value(s)).toFixed(1)}`, `${x(end).toFixed(1)},${y(value(s)).toFixed(1)}`);
    });
    return points;
  };
  const healthyTop = steps((s) => s.healthy);
  const totalTop = steps((s) => s.healthy + s.unhealthy);
  const start = samples[0] ? x(samples[0].at).toFixed(1) : '0';
  const base = `${start},${CHART_HEIGHT} `;
  return {
    max,
    healthy: samples.length ? `M${base}L${healthyTop.join(' L')} L${x(to).toFixed(1)},${CHART_HEIGHT} Z` : '',
    unhealthy: samples.length ? `M${totalTop.join(' L')} L${[...healthyTop].reverse().join(' L')} Z` : '',
  };
}
