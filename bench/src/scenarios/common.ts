import type { LoadGenerator } from '../load/load-generator.js';
import type { LoadJob, LoadResult } from '../load/load-run.js';
import type { InstanceSet } from '../load/workload.js';
import type { BeaconServer } from '../servers/beacon-server.js';

/** Every scenario mixes the two client shapes half and half. */
export const BOTH_SHAPES: InstanceSet['shapes'] = ['java', 'node'];

export const BEAT_OK_BODY = '"code":10200';

export const DEFAULT_INTERVAL_MS = 5000;

/** Registers instances [from, from + count) of the set with POST /nacos/v1/ns/instance, closed-loop. */
export async function registerInstances(
  generator: LoadGenerator,
  server: BeaconServer,
  set: InstanceSet,
  connections: number,
  from = 0,
  count = set.count - from,
): Promise<LoadResult> {
  const result = await generator.run({
    host: '127.0.0.1',
    port: server.port,
    workload: { kind: 'register', set, ...tokenOf(server) },
    mode: 'once',
    connections,
    warmupMs: 0,
    durationMs: 300_000,
    drainMs: 0,
    expectBody: 'ok',
    startIndex: from,
    count,
  });
  if (result.ok !== count) {
    throw new Error(
      `registration failed: ${result.ok} of ${count} ok (${JSON.stringify(result.failures)}; ${result.sampleFailure ?? ''})`,
    );
  }
  return result;
}

/** The workload's `accessToken` field for a server with auth on (nothing with auth off). */
export function tokenOf(server: { accessToken?: string | undefined }): { accessToken?: string } {
  return server.accessToken === undefined ? {} : { accessToken: server.accessToken };
}

export function kilo(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

/**
 * Every instance of the set beating at `rate` a second, open loop, each request a full beat with
 * the server's token if it has one; `window` sets the connections and the measured window, and
 * may override the rest.
 */
export function beatsAt(
  server: BeaconServer,
  set: InstanceSet,
  rate: number,
  window: Pick<LoadJob, 'connections' | 'warmupMs' | 'durationMs'> & Partial<LoadJob>,
): LoadJob {
  return {
    host: '127.0.0.1',
    port: server.port,
    workload: { kind: 'beat', set, ...tokenOf(server) },
    mode: 'open',
    rate,
    drainMs: 5000,
    expectBody: BEAT_OK_BODY,
    maxBacklog: rate * 5,
    ...window,
  };
}
