/**
 * A small Prometheus registry: counters, gauges read at scrape time, and histograms, rendered in
 * the text exposition format 0.0.4. Hand-written because Beacon needs a handful of series, not a
 * client library; updating a series is a map lookup and an addition, cheap enough for hot paths.
 */

export type Labels = Readonly<Record<string, string>>;

interface Metric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  samples(): string[];
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();
  private readonly refreshers: (() => void)[] = [];

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }

  /** A gauge whose value(s) are read when scraped, so nothing has to keep it up to date. */
  gauge(name: string, help: string, read: () => number | readonly (readonly [Labels, number])[]): Gauge {
    return this.add(new Gauge(name, help, read));
  }

  /** A counter kept elsewhere (it only grows), read when scraped. */
  counterRead(name: string, help: string, read: () => readonly (readonly [Labels, number])[]): Gauge {
    return this.add(new Gauge(name, help, read, 'counter'));
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }

  /**
   * Runs `refresh` once at the start of every scrape, before any gauge is read: for gauges that read
   * one figure computed for all of them.
   */
  beforeScrape(refresh: () => void): void {
    this.refreshers.push(refresh);
  }

  /** The exposition text, one block per metric in registration order. */
  render(): string {
    for (const refresh of this.refreshers) refresh();
    const lines: string[] = [];
    for (const m of this.metrics.values()) {
      lines.push(`# HELP ${m.name} ${escapeHelp(m.help)}`, `# TYPE ${m.name} ${m.type}`, ...m.samples());
    }
    return lines.join('\n') + '\n';
  }

  private add<M extends Metric>(metric: M): M {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric.name)) throw new Error(`invalid metric name: ${metric.name}`);
    if (this.metrics.has(metric.name)) throw new Error(`metric registered twice: ${metric.name}`);
    this.metrics.set(metric.name, metric);
    return metric;
  }
}

export class Counter implements Metric {
  readonly type = 'counter';
  private readonly values = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels)) ?? 0;
  }

  samples(): string[] {
    if (this.values.size === 0) return [`${this.name} 0`];
    return [...this.values].map(([labels, value]) => `${this.name}${labels} ${formatNumber(value)}`);
  }
}

export class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number | readonly (readonly [Labels, number])[],
    readonly type: 'gauge' | 'counter' = 'gauge',
  ) {}

  samples(): string[] {
    const value = this.read();
    if (typeof value === 'number') return [`${this.name} ${formatNumber(value)}`];
    return value.map(([labels, v]) => `${this.name}${labelText(labels)} ${formatNumber(v)}`);
  }
}

export class Histogram implements Metric {
  readonly type = 'histogram';
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    for (let i = 1; i < buckets.length; i++) {
      if (!((buckets[i] as number) > (buckets[i - 1] as number))) throw new Error(`${name}: buckets must increase`);
    }
  }

  observe(value: number, labels: Labels = {}): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    // Counts are per bucket here and made cumulative when rendered.
    let i = 0;
    while (i < this.buckets.length && value > (this.buckets[i] as number)) i++;
    if (i < this.buckets.length) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  count(labels: Labels = {}): number {
    return this.series.get(labelText(labels))?.count ?? 0;
  }

  samples(): string[] {
    const out: string[] = [];
    for (const [key, s] of this.series) {
      const inner = key === '' ? '' : key.slice(1, -1) + ',';
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += s.counts[i] ?? 0;
        out.push(`${this.name}_bucket{${inner}le="${formatNumber(le)}"} ${cumulative}`);
      });
      out.push(`${this.name}_bucket{${inner}le="+Inf"} ${s.count}`);
      out.push(`${this.name}_sum${key} ${formatNumber(s.sum)}`);
      out.push(`${this.name}_count${key} ${s.count}`);
    }
    return out;
  }
}

/** `{a="x",b="y"}` in a stable order, or '' without labels; also the series key. */
function labelText(labels: Labels): string {
  const names = Object.keys(labels);
  if (names.length === 0) return '';
  names.sort();
  return `{${names.map((n) => `${n}="${escapeLabel(labels[n] as string)}"`).join(',')}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}
