import { describe, expect, it } from 'vitest';
import { CHART_HEIGHT, bandPaths } from './health-bands.js';

describe('bandPaths', () => {
  it('draws nothing without samples', () => {
    expect(bandPaths([], 0, 1000)).toEqual({ max: 1, healthy: '', unhealthy: '' });
  });

  it('steps each count until the next sample, and scales to the largest total', () => {
    const { max, healthy, unhealthy } = bandPaths(
      [
        { at: 0, healthy: 2, unhealthy: 0 },
        { at: 500, healthy: 1, unhealthy: 1 },
      ],
      0,
      1000,
    );
    expect(max).toBe(2);
    const top = CHART_HEIGHT - (CHART_HEIGHT - 8); // y of the full count
    const half = CHART_HEIGHT - (CHART_HEIGHT - 8) / 2;
    // Healthy: 2 from 0 to 300 (x = 0..300), then 1 until now (x = 300..600).
    expect(healthy).toBe(
      `M0.0,${CHART_HEIGHT} L0.0,${top.toFixed(1)} L300.0,${top.toFixed(1)} L300.0,${half.toFixed(1)} L600.0,${half.toFixed(1)} L600.0,${CHART_HEIGHT} Z`,
    );
    // Unhealthy: the band between the healthy line and the total, empty before the change.
    expect(unhealthy).toContain(`L600.0,${top.toFixed(1)}`);
  });

  it('clamps samples outside the window to its edges', () => {
    const { healthy } = bandPaths([{ at: -5000, healthy: 1, unhealthy: 0 }], 0, 1000);
    expect(healthy.startsWith(`M0.0,${CHART_HEIGHT}`)).toBe(true);
  });
});
