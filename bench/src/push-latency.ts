/**
 * Push latency on loopback: the time from a change (the HTTP write that causes it is sent) until
 * each subscriber has it, for watch-stream watchers (SSE, /api/v1/watch) and for UDP push
 * targets that behave like Nacos 1.x clients (poll /instance/list with a udpPort, ack each push).
 *
 * The built server (packages/server/dist/main.js) runs as a child process, so the clients here do
 * not share its event loop. Changes are made one at a time, each after the previous one reached
 * every subscriber, so every figure is one change's latency, never a queue's.
 *
 *   pnpm build && pnpm --filter @beacon/bench push-latency [--watchers 1000] [--udp 1000] [--changes 200]
 *
 * Prints a table and writes bench/results/push-latency.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { spawnServer } from '@beacon/test-support';
import { SseEvents } from './load/sse-events.js';
import { UdpPushTarget } from './load/udp-push-target.js';

const here = dirname(fileURLToPath(import.meta.url));
const RESULTS_FILE = resolve(here, '../results/push-latency.json');
const NAMESPACE = 'bench-push';
const SERVICE = 'DEFAULT_GROUP@@bench-push';
const JAVA_UA = 'Nacos-Java-Client:v1.4.8';
/** A change not delivered within this is counted as missed. */
const DELIVERY_TIMEOUT_MS = 5000;
/** Pause between changes, longer than the coalescing window, so that each change is pushed alone. */
const GAP_MS = 40;

export interface Options {
  watchers: number;
  udpTargets: number;
  changes: number;
  coalesceMs: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { watchers: 1000, udpTargets: 1000, changes: 200, coalesceMs: 20 };
  const names: Record<string, keyof Options> = {
    '--watchers': 'watchers',
    '--udp': 'udpTargets',
    '--changes': 'changes',
    '--coalesce-ms': 'coalesceMs',
  };
  for (let i = 0; i < argv.length; i++) {
    const key = names[argv[i] ?? ''];
    if (!key) continue;
    const value = Number(argv[++i]);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${argv[i - 1]} needs a whole number`);
    options[key] = value;
  }
  return options;
}

// ---- the server ------------------------------------------------------------------------------

/** The server under test, as this script needs it (`pnpm bench` passes its own). */
export interface PushServer {
  readonly port: number;
  readonly baseUrl: string;
}

interface Server extends PushServer {
  stop(): Promise<void>;
}

/**
 * One process plays every subscriber, from one address as one user: the caps that stop one client
 * from holding thousands of streams, connections or push targets (issue 11) are raised to fit them.
 */
export function pushServerEnv(options: Options): Record<string, string> {
  const subscribers = Math.max(options.watchers, options.udpTargets);
  return {
    BEACON_PUSH_COALESCE_MS: String(options.coalesceMs),
    BEACON_MAX_WATCH_STREAMS_PER_USER: String(Math.max(1, options.watchers)),
    BEACON_PUSH_TARGETS_PER_SOURCE: String(Math.max(1, options.udpTargets)),
    // The byte budget is per target IP, and every target here is 127.0.0.1.
    BEACON_PUSH_BYTES_PER_SECOND: String(1024 * 1024 * 1024),
    // The streams, plus the connections that make the changes and poll.
    BEACON_MAX_CONNECTIONS_PER_IP: String(subscribers + 100),
  };
}

async function startServer(options: Options): Promise<Server> {
  const server = await spawnServer({ env: { BEACON_LOG_LEVEL: 'log', ...pushServerEnv(options) } });
  return { port: server.port, baseUrl: server.baseUrl, stop: () => server.close() };
}

async function nacos(server: PushServer, method: string, path: string, params: Record<string, string | number>) {
  const query = new URLSearchParams({ namespaceId: NAMESPACE });
  for (const [k, v] of Object.entries(params)) query.set(k, String(v));
  const response = await fetch(`${server.baseUrl}/nacos/v1/ns${path}?${query.toString()}`, {
    method,
    headers: { 'User-Agent': JAVA_UA },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text;
}

/** One change of the service: a metadata update of its first instance. */
function change(server: PushServer, seq: number): Promise<string> {
  return nacos(server, 'PATCH', '/instance', {
    serviceName: SERVICE,
    ip: '127.0.0.2',
    port: 8080,
    metadata: JSON.stringify({ seq: String(seq) }),
  });
}

// ---- subscribers ---------------------------------------------------------------------------

/** Something that receives pushes; `arm` starts waiting for the next one. */
interface Receiver {
  arrivedAt: number | undefined;
  arm(): void;
}

class Measurement {
  private pending = 0;
  private done: (() => void) | undefined;

  /** The receivers are read at each run, so the list may still be filling when this is made. */
  constructor(private readonly receivers: readonly Receiver[]) {}

  /** Makes one change and returns each receiver's latency (undefined: missed). */
  async run(makeChange: () => Promise<unknown>): Promise<(number | undefined)[]> {
    for (const r of this.receivers) r.arm();
    this.pending = this.receivers.length;
    const allArrived = new Promise<void>((resolveAll) => (this.done = resolveAll));
    const start = performance.now();
    await makeChange();
    await Promise.race([allArrived, sleep(DELIVERY_TIMEOUT_MS)]);
    this.done = undefined;
    return this.receivers.map((r) => (r.arrivedAt === undefined ? undefined : r.arrivedAt - start));
  }

  arrived(): void {
    if (--this.pending === 0) this.done?.();
  }
}

class SseWatcher implements Receiver {
  arrivedAt: number | undefined;
  lastId = -1;
  private armed = false;
  private readonly events = new SseEvents((event) => {
    if (event.id === undefined) return;
    this.lastId = event.id;
    if (this.armed && event.name === 'change') {
      this.armed = false;
      this.arrivedAt = performance.now();
      this.onArrival();
    }
  });

  constructor(private readonly onArrival: () => void) {}

  static open(server: PushServer, agent: Agent, onArrival: () => void): Promise<SseWatcher> {
    const watcher = new SseWatcher(onArrival);
    return new Promise((resolveOpen, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          agent,
          path: `/api/v1/watch?namespaceId=${NAMESPACE}&services=${encodeURIComponent(SERVICE)}`,
          headers: { Accept: 'text/event-stream', 'User-Agent': 'beacon-bench' },
        },
        (res) => {
          if (res.statusCode !== 200) return reject(new Error(`watch answered ${res.statusCode}`));
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            watcher.events.push(chunk);
            if (watcher.lastId >= 0) resolveOpen(watcher);
          });
          res.on('error', () => undefined);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  arm(): void {
    this.arrivedAt = undefined;
    this.armed = true;
  }
}

class UdpTarget implements Receiver {
  arrivedAt: number | undefined;
  private armed = false;
  private target!: UdpPushTarget;

  private constructor(private readonly onArrival: () => void) {}

  static async open(onArrival: () => void): Promise<UdpTarget> {
    const udp = new UdpTarget(onArrival);
    udp.target = await UdpPushTarget.open(() => {
      if (!udp.armed) return;
      udp.armed = false;
      udp.arrivedAt = performance.now();
      udp.onArrival();
    });
    return udp;
  }

  get port(): number {
    return this.target.port;
  }

  arm(): void {
    this.arrivedAt = undefined;
    this.armed = true;
  }

  /** The poll that makes (and keeps) it a push target. */
  poll(server: PushServer): Promise<string> {
    return nacos(server, 'GET', '/instance/list', {
      serviceName: SERVICE,
      clusters: '',
      udpPort: this.port,
      clientIP: '127.0.0.1',
      healthyOnly: 'false',
    });
  }

  close(): void {
    this.target.close();
  }
}

// ---- scenarios ---------------------------------------------------------------------------------

export interface ChannelResult {
  channel: 'watch' | 'udp';
  receivers: number;
  changes: number;
  deliveries: number;
  missed: number;
  /** Each receiver's latency for each change, ms. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Per change: until the last receiver had it, ms. */
  allDeliveredP50Ms: number;
  allDeliveredP99Ms: number;
  /**
   * The server's own view (beacon_push_latency_seconds): change to push leaving the server, as the
   * upper bound of the histogram bucket holding the percentile, ms. The rest is loopback and client.
   */
  serverP50AtMostMs: number;
  serverP99AtMostMs: number;
}

async function measureWatch(server: PushServer, options: Options): Promise<ChannelResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const watchers: SseWatcher[] = [];
  const measurement = new Measurement(watchers);
  const onArrival = () => measurement.arrived();
  // Connect in batches, so the accept backlog is not the thing measured.
  for (let i = 0; i < options.watchers; i += 100) {
    const batch = Math.min(100, options.watchers - i);
    watchers.push(
      ...(await Promise.all(Array.from({ length: batch }, () => SseWatcher.open(server, agent, onArrival)))),
    );
  }
  const result = await measureChanges('watch', measurement, server, options, 1_000_000);
  agent.destroy();
  return result;
}

async function measureUdp(server: PushServer, options: Options): Promise<ChannelResult> {
  const targets: UdpTarget[] = [];
  const measurement = new Measurement(targets);
  const onArrival = () => measurement.arrived();
  for (let i = 0; i < options.udpTargets; i++) targets.push(await UdpTarget.open(onArrival));
  const pollAll = async () => {
    for (let i = 0; i < targets.length; i += 50) await Promise.all(targets.slice(i, i + 50).map((t) => t.poll(server)));
  };
  await pollAll();
  // Targets expire 10 s after their last poll; polls happen between changes, never during one.
  const result = await measureChanges('udp', measurement, server, options, 2_000_000, pollAll);
  for (const t of targets) t.close();
  return result;
}

async function measureChanges(
  channel: 'watch' | 'udp',
  measurement: Measurement,
  server: PushServer,
  options: Options,
  seqBase: number,
  keepAlive?: () => Promise<void>,
): Promise<ChannelResult> {
  await sleep(200);
  const latencies: number[] = [];
  const allDelivered: number[] = [];
  let missed = 0;
  let receivers = 0;
  let lastKeepAlive = performance.now();
  for (let i = 0; i < options.changes; i++) {
    if (keepAlive && performance.now() - lastKeepAlive > 4000) {
      await keepAlive();
      await sleep(100);
      lastKeepAlive = performance.now();
    }
    const results = await measurement.run(() => change(server, seqBase + i));
    receivers = results.length;
    let slowest = 0;
    for (const ms of results) {
      if (ms === undefined) {
        missed++;
        continue;
      }
      latencies.push(ms);
      slowest = Math.max(slowest, ms);
    }
    allDelivered.push(slowest);
    await sleep(GAP_MS);
  }
  latencies.sort((a, b) => a - b);
  allDelivered.sort((a, b) => a - b);
  const serverSide = await serverLatency(server, channel);
  return {
    channel,
    receivers,
    changes: options.changes,
    deliveries: latencies.length,
    missed,
    p50Ms: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p99Ms: percentile(latencies, 99),
    maxMs: round(latencies.at(-1) ?? NaN),
    allDeliveredP50Ms: percentile(allDelivered, 50),
    allDeliveredP99Ms: percentile(allDelivered, 99),
    serverP50AtMostMs: serverSide.p50,
    serverP99AtMostMs: serverSide.p99,
  };
}

/** Percentiles of the server's latency histogram for a channel, from /metrics (bucket upper bounds). */
async function serverLatency(server: PushServer, channel: string): Promise<{ p50: number; p99: number }> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const buckets: [number, number][] = [];
  const pattern = new RegExp(
    `^beacon_push_latency_seconds_bucket\\{channel="${channel}",le="([^"]+)"\\} (\\d+)$`,
    'gm',
  );
  for (const m of text.matchAll(pattern))
    buckets.push([m[1] === '+Inf' ? Infinity : round(Number(m[1]) * 1000), Number(m[2])]);
  const total = buckets.at(-1)?.[1] ?? 0;
  const at = (p: number) => buckets.find(([, count]) => count >= (p / 100) * total)?.[0] ?? NaN;
  return { p50: at(50), p99: at(99) };
}

// ---- main -----------------------------------------------------------------------------------

/**
 * Both channels against a running server started with BEACON_PUSH_COALESCE_MS = coalesceMs: three
 * instances of one service, then the watchers, then the UDP targets. Used by `pnpm bench` (scenario 4).
 */
export async function measurePushLatency(server: PushServer, options: Options): Promise<ChannelResult[]> {
  const results: ChannelResult[] = [];
  for (let i = 1; i <= 3; i++) {
    await nacos(server, 'POST', '/instance', { serviceName: SERVICE, ip: `127.0.0.${i + 1}`, port: 8080 });
  }
  if (options.watchers > 0) results.push(await measureWatch(server, options));
  if (options.udpTargets > 0) results.push(await measureUdp(server, options));
  return results;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const server = await startServer(options);
  let results: ChannelResult[];
  try {
    results = await measurePushLatency(server, options);
  } finally {
    await server.stop();
  }

  printTable(results, options);
  const report = {
    benchmark: 'push-latency',
    description:
      'Change-to-delivery latency on loopback: from sending the HTTP write that changes a service until each ' +
      'subscriber has the change (watch: SSE event parsed; udp: datagram received). One change at a time.',
    date: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' },
    options,
    results,
  };
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nwrote ${RESULTS_FILE}`);
}

function printTable(results: ChannelResult[], options: Options): void {
  const header = [
    'channel',
    'receivers',
    'changes',
    'deliveries',
    'missed',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'max ms',
    'all-delivered p50',
    'all-delivered p99',
    'server p50 <=',
    'server p99 <=',
  ];
  const rows = results.map((r) =>
    [
      r.channel,
      r.receivers,
      r.changes,
      r.deliveries,
      r.missed,
      r.p50Ms,
      r.p90Ms,
      r.p99Ms,
      r.maxMs,
      r.allDeliveredP50Ms,
      r.allDeliveredP99Ms,
      r.serverP50AtMostMs,
      r.serverP99AtMostMs,
    ].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  console.log(`\npush latency on loopback (coalescing window ${options.coalesceMs} ms)\n`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return round(sorted[Math.max(0, index)] as number);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// Run as a script (`pnpm --filter @beacon/bench push-latency`), not when imported by the bench.
if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
