/**
 * Watches one instance as a node serves it, from the native API (its own health, no protect
 * threshold), every `everyMs`: what a client polling that node would have seen, and when.
 */
export type Seen = 'healthy' | 'unhealthy' | 'absent' | '5xx' | 'error';

export interface Sample {
  readonly at: number;
  readonly seen: Seen;
}

export interface InstanceWatch {
  /** Stops polling; the samples taken, in order. */
  stop(): Promise<Sample[]>;
}

export function watchInstance(baseUrl: string, serviceName: string, ipPort: string, everyMs = 100): InstanceWatch {
  const samples: Sample[] = [];
  let running = true;
  const url = `${baseUrl}/api/v1/namespaces/public/services/DEFAULT_GROUP/${encodeURIComponent(serviceName)}`;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      samples.push({ at, seen: await look(url, ipPort) });
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - at))));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}

async function look(url: string, ipPort: string): Promise<Seen> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (res.status >= 500) return '5xx';
    if (res.status === 404) return 'absent';
    if (res.status !== 200) return 'error';
    const body = (await res.json()) as { clusters: { instances: { ip: string; port: number; healthy: boolean }[] }[] };
    const found = body.clusters.flatMap((c) => c.instances).find((i) => `${i.ip}:${i.port}` === ipPort);
    return found === undefined ? 'absent' : found.healthy ? 'healthy' : 'unhealthy';
  } catch {
    return 'error';
  }
}

/** How long (ms) the samples saw `seen`, counting each such sample until the next one. */
export function durationOf(samples: readonly Sample[], seen: Seen): number {
  let total = 0;
  for (let i = 0; i < samples.length - 1; i++)
    if (samples[i]!.seen === seen) total += samples[i + 1]!.at - samples[i]!.at;
  return total;
}

/** The first sample at or after `from` that saw `seen`, if any. */
export function firstSeen(samples: readonly Sample[], seen: Seen, from = 0): Sample | undefined {
  return samples.find((s) => s.at >= from && s.seen === seen);
}

/** How many times what was seen changed between healthy, unhealthy and absent. */
export function transitions(samples: readonly Sample[]): number {
  const states = samples.filter((s) => s.seen === 'healthy' || s.seen === 'unhealthy' || s.seen === 'absent');
  let count = 0;
  for (let i = 1; i < states.length; i++) if (states[i]!.seen !== states[i - 1]!.seen) count++;
  return count;
}
