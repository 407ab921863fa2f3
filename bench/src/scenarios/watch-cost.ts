import { request, type IncomingMessage } from 'node:http';
import { ADMIN, TEST_TOKEN_SECRET } from '@beacon/test-support';
import type { ScenarioResult, SummaryRow } from '../results.js';
import type { BeaconServer } from '../servers/beacon-server.js';
import type { Scenario, ScenarioContext } from './context.js';
import { fmt } from './measure.js';

/** Registrations per run, all into one service: the case where a change used to cost the whole service. */
const SIZES = { full: 2000, quick: 2000, smoke: 100 } as const;
const CONCURRENCY = 8;
/** Time and memory with a stream open, against none: the target of issue 21. */
const TARGET_RATIO = 1.5;

interface Run {
  readonly stream: boolean;
  readonly ms: number;
  readonly msPerChange: number;
  /** Peak RSS of the server over the run, minus its RSS before it. */
  readonly peakRssGrowthBytes: number;
  readonly streamBytes: number;
}

/**
 * Issue 21, items 3 and 7: what a change costs when a watch stream is open in its namespace
 * (with auth on, as a read-only console user would open it), against the same registrations with
 * no stream. Every registration goes to one service, so a change that re-serialised its whole
 * service per event shows up as time and memory growing with the service.
 */
export const watchCost: Scenario = {
  id: 'watch',
  title: 'Change cost with a watch stream open',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const count = SIZES[ctx.options.mode];
    const runs: Run[] = [];
    for (const stream of [false, true]) {
      const server = await ctx.startBeacon({
        env: { BEACON_AUTH: 'on', BEACON_ADMIN_PASSWORD: ADMIN.password, BEACON_TOKEN_SECRET: TEST_TOKEN_SECRET },
      });
      try {
        runs.push(await measure(server, count, stream));
        ctx.log(`  ${stream ? 'with a stream' : 'no stream'}: ${fmt.ms(runs.at(-1)!.ms)}`);
      } finally {
        await server.stop();
      }
    }
    const [none, open] = runs as [Run, Run];
    const timeRatio = open.ms / none.ms;
    const memoryRatio = open.peakRssGrowthBytes / Math.max(1, none.peakRssGrowthBytes);
    const rows: SummaryRow[] = [
      {
        scenario: `${count} registrations into one service, auth on`,
        measure: 'time with a watch stream / without',
        value: `${timeRatio.toFixed(2)}x (${fmt.ms(open.ms)} vs ${fmt.ms(none.ms)})`,
        target: `<= ${TARGET_RATIO}x`,
        verdict: timeRatio <= TARGET_RATIO ? 'pass' : 'miss',
      },
      {
        scenario: `${count} registrations into one service, auth on`,
        measure: 'peak RSS growth with a watch stream / without',
        value: `${memoryRatio.toFixed(2)}x (${mb(open.peakRssGrowthBytes)} vs ${mb(none.peakRssGrowthBytes)})`,
        target: `<= ${TARGET_RATIO}x`,
        verdict: memoryRatio <= TARGET_RATIO ? 'pass' : 'miss',
      },
    ];
    return {
      id: this.id,
      title: this.title,
      status: 'ok',
      params: { registrations: count, services: 1, concurrency: CONCURRENCY, auth: 'on', stream: 'whole namespace' },
      data: { runs, timeRatio, memoryRatio },
      rows,
      notes: [`the stream received ${mb(open.streamBytes)} in all`],
    };
  },
};

async function measure(server: BeaconServer, count: number, withStream: boolean): Promise<Run> {
  const token = await login(server.port);
  let streamBytes = 0;
  let stream: IncomingMessage | undefined;
  if (withStream) {
    stream = await new Promise<IncomingMessage>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path: `/api/v1/watch?accessToken=${token}` }, resolve)
        .on('error', reject)
        .end();
    });
    stream.on('data', (chunk: Buffer) => (streamBytes += chunk.length));
  }
  const before = server.sample();
  let peak = before.peakRssBytes;
  const sampler = setInterval(() => (peak = Math.max(peak, server.sample().peakRssBytes)), 100);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const ip = `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;
        const res = await fetch(
          `http://127.0.0.1:${server.port}/nacos/v1/ns/instance?serviceName=watched&ip=${ip}&port=8080&accessToken=${token}`,
          { method: 'POST' },
        );
        if (res.status !== 200) throw new Error(`registration answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, server.sample().peakRssBytes);
  stream?.destroy();
  return {
    stream: withStream,
    ms,
    msPerChange: ms / count,
    peakRssGrowthBytes: peak - before.rssBytes,
    streamBytes,
  };
}

async function login(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/nacos/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `username=${ADMIN.username}&password=${encodeURIComponent(ADMIN.password)}`,
  });
  if (res.status !== 200) throw new Error(`login answered ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
