/** One observation of a service's health counts. */
export interface HealthSample {
  readonly at: number;
  readonly healthy: number;
  readonly unhealthy: number;
}

/**
 * Healthy / unhealthy counts per service over the last minutes, as the console saw them (from the
 * watch stream and from fetches). Kept in memory: it starts when the console is opened.
 */
export class HealthHistory {
  private readonly samples = new Map<string, HealthSample[]>();
  private readonly listeners = new Set<() => void>();

  constructor(
    /** How far back samples are kept. */
    readonly keepMs = 15 * 60_000,
    /** Bound per service, for services that flap all day. */
    readonly maxSamples = 2000,
  ) {}

  /** Records a sample unless it repeats the last one; returns whether anything was recorded. */
  record(key: string, at: number, healthy: number, total: number): boolean {
    const unhealthy = Math.max(0, total - healthy);
    let list = this.samples.get(key);
    if (!list) this.samples.set(key, (list = []));
    const last = list[list.length - 1];
    if (last && last.healthy === healthy && last.unhealthy === unhealthy) return false;
    // Out-of-order observations (a slow fetch after a stream event) must not rewrite the past.
    if (last && at < last.at) return false;
    list.push({ at, healthy, unhealthy });
    const horizon = at - this.keepMs;
    // Keep one sample before the horizon: it says what the state was when the window starts.
    let drop = 0;
    while (drop + 1 < list.length && list[drop + 1]!.at <= horizon) drop++;
    if (list.length - drop > this.maxSamples) drop = list.length - this.maxSamples;
    if (drop > 0) list.splice(0, drop);
    for (const listener of this.listeners) listener();
    return true;
  }

  forget(key: string): void {
    if (this.samples.delete(key)) for (const listener of this.listeners) listener();
  }

  /** Samples covering [from, now]: the state at `from` (if known) first, then every change. */
  window(key: string, from: number): HealthSample[] {
    const list = this.samples.get(key) ?? [];
    const result: HealthSample[] = [];
    for (let i = 0; i < list.length; i++) {
      const sample = list[i]!;
      const next = list[i + 1];
      if (sample.at >= from) result.push(sample);
      else if (!next || next.at > from) result.push({ ...sample, at: from });
    }
    return result;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function serviceKey(namespaceId: string, groupName: string, name: string): string {
  return `${namespaceId}/${groupName}@@${name}`;
}

/** One history for the whole console. */
export const healthHistory = new HealthHistory();
