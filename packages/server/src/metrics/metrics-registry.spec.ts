import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './metrics-registry.js';

describe('MetricsRegistry', () => {
  it('renders a counter kept elsewhere, read at scrape time, as a counter', () => {
    const metrics = new MetricsRegistry();
    const kept = new Map([['kind drainInstance', 2]]);
    metrics.counterRead('beacon_skipped_total', 'Skipped', () => [...kept].map(([what, n]) => [{ what }, n] as const));
    kept.set('kind drainInstance', 3);
    expect(metrics.render()).toBe(
      [
        '# HELP beacon_skipped_total Skipped',
        '# TYPE beacon_skipped_total counter',
        'beacon_skipped_total{what="kind drainInstance"} 3',
        '',
      ].join('\n'),
    );
  });

  it('renders counters, gauges and histograms in the Prometheus text format', () => {
    const metrics = new MetricsRegistry();
    const sent = metrics.counter('beacon_sent_total', 'Things sent');
    metrics.gauge('beacon_open', 'Open things', () => 3);
    const latency = metrics.histogram('beacon_latency_seconds', 'Latency', [0.01, 0.1]);
    sent.inc({ channel: 'udp' });
    sent.inc({ channel: 'udp' }, 2);
    sent.inc({ channel: 'watch' });
    latency.observe(0.005, { channel: 'udp' });
    latency.observe(0.05, { channel: 'udp' });
    latency.observe(3, { channel: 'udp' });

    expect(metrics.render()).toBe(
      [
        '# HELP beacon_sent_total Things sent',
        '# TYPE beacon_sent_total counter',
        'beacon_sent_total{channel="udp"} 3',
        'beacon_sent_total{channel="watch"} 1',
        '# HELP beacon_open Open things',
        '# TYPE beacon_open gauge',
        'beacon_open 3',
        '# HELP beacon_latency_seconds Latency',
        '# TYPE beacon_latency_seconds histogram',
        'beacon_latency_seconds_bucket{channel="udp",le="0.01"} 1',
        'beacon_latency_seconds_bucket{channel="udp",le="0.1"} 2',
        'beacon_latency_seconds_bucket{channel="udp",le="+Inf"} 3',
        'beacon_latency_seconds_sum{channel="udp"} 3.055',
        'beacon_latency_seconds_count{channel="udp"} 3',
        '',
      ].join('\n'),
    );
  });

  it('shows a counter never incremented as 0, escapes label values and help, and sorts label names', () => {
    const metrics = new MetricsRegistry();
    const c = metrics.counter('c_total', 'line one\nback\\slash');
    expect(metrics.render()).toContain('c_total 0\n');
    c.inc({ z: '1', a: 'say "hi"\n\\' });
    const text = metrics.render();
    expect(text).toContain('# HELP c_total line one\\nback\\\\slash\n');
    expect(text).toContain('c_total{a="say \\"hi\\"\\n\\\\",z="1"} 1\n');
  });

  it('refuses bad names, duplicates and unordered buckets', () => {
    const metrics = new MetricsRegistry();
    metrics.counter('ok_total', 'x');
    expect(() => metrics.counter('ok_total', 'x')).toThrow(/twice/);
    expect(() => metrics.counter('1bad', 'x')).toThrow(/invalid/);
    expect(() => metrics.histogram('h', 'x', [1, 1])).toThrow(/increase/);
  });

  it('runs what gauges share once per scrape, before any of them is read', () => {
    const metrics = new MetricsRegistry();
    let computed = 0;
    let figure = 0;
    metrics.beforeScrape(() => {
      computed++;
      figure = computed * 10;
    });
    metrics.gauge('a', 'x', () => figure);
    metrics.gauge('b', 'x', () => figure + 1);
    expect(metrics.render()).toContain('a 10\n# HELP b x\n# TYPE b gauge\nb 11\n');
    metrics.render();
    expect(computed).toBe(2);
  });
});
