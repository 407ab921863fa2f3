import { measurePushLatency, pushServerEnv, type ChannelResult, type Options } from '../push-latency.js';
import type { ScenarioResult, SummaryRow } from '../results.js';
import type { Scenario, ScenarioContext } from './context.js';
import { fmt } from './measure.js';

/** The push coalescing window the server runs with here (BEACON_PUSH_COALESCE_MS). */
const COALESCE_MS = 20;

/**
 * Scenario 4: change-to-delivery latency of pushes, for watch-stream (SSE) subscribers and for
 * UDP targets that poll and ack like Nacos 1.x clients, one change at a time (the measurement is
 * bench/src/push-latency.ts, also runnable on its own). The subscribers live in the runner's
 * process, the server in its own.
 */
export const pushLatency: Scenario = {
  id: '4',
  title: 'Push latency: change to delivery',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const sizes = ctx.sizes.push;
    const options: Options = {
      watchers: sizes.subscribers,
      udpTargets: sizes.subscribers,
      changes: sizes.changes,
      coalesceMs: COALESCE_MS,
    };
    const server = await ctx.startBeacon({ env: pushServerEnv(options) });
    let results: ChannelResult[];
    try {
      ctx.log(`  ${sizes.subscribers} watchers, then ${sizes.subscribers} UDP targets, ${sizes.changes} changes each`);
      results = await measurePushLatency({ port: server.port, baseUrl: `http://127.0.0.1:${server.port}` }, options);
    } finally {
      await server.stop();
    }
    const rows: SummaryRow[] = results.map((r) => ({
      scenario: `push, ${fmt.int(r.receivers)} ${r.channel === 'watch' ? 'watch-stream subscribers' : 'UDP targets'}`,
      measure: 'change to delivery p50 / p99 (last subscriber p99)',
      value:
        `${fmt.ms(r.p50Ms)} / ${fmt.ms(r.p99Ms)} (${fmt.ms(r.allDeliveredP99Ms)})` +
        (r.missed > 0 ? `, ${fmt.int(r.missed)} of ${fmt.int(r.missed + r.deliveries)} missed` : ''),
      verdict: r.missed > 0 ? 'miss' : 'info',
    }));
    return {
      id: this.id,
      title: this.title,
      status: 'ok',
      params: {
        ...options,
        change:
          'PATCH /nacos/v1/ns/instance metadata of one instance, the next only after every subscriber had the last',
        latency: 'from sending the PATCH to the SSE event parsed / the UDP datagram received, per subscriber',
        udp: 'targets poll /instance/list with a udpPort (Java 1.4.8 UA) and ack every push',
      },
      data: results,
      rows,
      notes: [],
    };
  },
};
