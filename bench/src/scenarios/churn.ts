import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { LoadGenerator } from '../load/load-generator.js';
import { NacosGrpcClient } from '../load/nacos-grpc-client.js';
import { SseEvents } from '../load/sse-events.js';
import { UdpPushTarget } from '../load/udp-push-target.js';
import { JAVA_UA, type InstanceSet } from '../load/workload.js';
import type { ScenarioResult, SummaryRow } from '../results.js';
import { REPO_ROOT, type BeaconServer } from '../servers/beacon-server.js';
import { beatsAt, BOTH_SHAPES, DEFAULT_INTERVAL_MS, kilo, registerInstances } from './common.js';
import type { Scenario, ScenarioContext } from './context.js';
import { falseExpiries, fmt, loadFailures, measureLoad } from './measure.js';

/** The soak of issue 21, item 7, as a bench window: its load, for a minute instead of 28. */
const FULL = {
  instances: 5000,
  perService: 100,
  churnPerSecond: 20,
  streams: 20,
  udp: 50,
  grpc: 10,
  warmupMs: 10_000,
  durationMs: 60_000,
};
const SIZES = {
  full: FULL,
  quick: { ...FULL, warmupMs: 3000, durationMs: 20_000 },
  smoke: {
    ...FULL,
    instances: 200,
    perService: 40,
    churnPerSecond: 5,
    streams: 2,
    udp: 3,
    grpc: 1,
    warmupMs: 300,
    durationMs: 1500,
  },
};
/** Services each gRPC subscriber follows. */
const GRPC_SERVICES_EACH = 5;
/** UDP subscribers poll again this often, within the server's 10 s subscriber expiry. */
const RESUBSCRIBE_MS = 5000;
const BEAT_P99_TARGET_MS = 50;

/**
 * Issue 21, item 7: beats under steady churn with every kind of subscriber attached, auth on.
 * N instances beat every 5 s (open loop) while instances are registered and removed at a steady
 * rate across the same services; watch streams follow the whole namespace (and, halfway, each
 * reconnects with `Last-Event-ID`, as a browser's EventSource does); UDP targets and Nacos 2.x gRPC
 * connections subscribe to services. Reports beat latency, the event loop, stream cut-offs, the
 * bytes the streams receive and every failed write.
 */
export const churn: Scenario = {
  id: 'churn',
  title: 'Beats under churn with watch streams, UDP and gRPC subscribers (auth on)',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const size = SIZES[ctx.options.mode];
    const generator = await LoadGenerator.start(ctx.generatorCpu);
    try {
      // The same beats alone first: on a shared machine the difference is the churn's cost.
      ctx.log(`  beats alone`);
      const quiet = await runOnce(ctx, generator, { ...size, churnPerSecond: 0, streams: 0, udp: 0, grpc: 0 });
      ctx.log(`  beats under churn`);
      const busy = await runOnce(ctx, generator, size);
      return {
        id: this.id,
        title: this.title,
        status: 'ok',
        params: { ...size, intervalMs: DEFAULT_INTERVAL_MS, auth: 'on', grpcServicesEach: GRPC_SERVICES_EACH },
        data: { quiet: quiet.data, busy: busy.data },
        rows: [quiet.rows[0]!, quiet.rows[5]!, ...busy.rows],
        notes: [
          'first the beats alone, then the same beats under churn with subscribers, on fresh servers',
          'every stream reconnects once halfway with Last-Event-ID; a stream the server ends is a cut-off and is resumed',
        ],
      };
    } finally {
      await generator.close();
    }
  },
};

type Load = typeof FULL;

async function runOnce(
  ctx: ScenarioContext,
  generator: LoadGenerator,
  size: Load,
): Promise<{ rows: SummaryRow[]; data: unknown }> {
  const set: InstanceSet = { count: size.instances, perService: size.perService, shapes: BOTH_SHAPES };
  const services = size.instances / size.perService;
  const rate = (size.instances * 1000) / DEFAULT_INTERVAL_MS;
  const server = await ctx.startBeacon({ auth: true });
  const streams: WatchStream[] = [];
  const udp: UdpPushTarget[] = [];
  const grpc: NacosGrpcClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  try {
    await registerInstances(generator, server, set, 32);
    const token = server.accessToken!;
    const grpcPort = server.grpcPort;
    if (grpcPort === undefined) throw new Error('the server did not report a gRPC port');
    let udpPushes = 0;
    let grpcPushes = 0;
    for (let i = 0; i < size.streams; i++) streams.push(await WatchStream.open(server.port, token));
    for (let i = 0; i < size.udp; i++) {
      const target = await UdpPushTarget.open(() => udpPushes++);
      udp.push(target);
      const poll = () => void pollAsSubscriber(server, token, `bench-svc-${i % services}`, target.port);
      poll();
      timers.push(setInterval(poll, RESUBSCRIBE_MS));
    }
    for (let i = 0; i < size.grpc; i++) {
      const client = await NacosGrpcClient.connect(REPO_ROOT, grpcPort, token);
      client.onPush = () => grpcPushes++;
      grpc.push(client);
      for (let k = 0; k < GRPC_SERVICES_EACH; k++) {
        await client.call('SubscribeServiceRequest', {
          namespace: 'public',
          serviceName: `bench-svc-${(i * GRPC_SERVICES_EACH + k) % services}`,
          groupName: 'DEFAULT_GROUP',
          subscribe: true,
          clusters: '',
        });
      }
      timers.push(setInterval(() => void client.call('HealthCheckRequest', {}).catch(() => undefined), 5000));
    }
    const churner = new Churner(server.port, token, services, size.churnPerSecond);
    if (size.churnPerSecond > 0) churner.start();
    timers.push(setTimeout(() => streams.forEach((s) => s.reconnect()), size.warmupMs + size.durationMs / 2));
    ctx.log(
      `    beating at ${fmt.int(rate)}/s; ${size.churnPerSecond} registrations + ${size.churnPerSecond} removals/s; ` +
        `${size.streams} watch streams, ${size.udp} UDP and ${size.grpc} gRPC subscribers`,
    );
    const bytesBefore = streams.reduce((n, s) => n + s.bytes, 0);
    const started = performance.now();
    const m = await measureLoad(
      generator,
      beatsAt(server, set, rate, { connections: 32, warmupMs: size.warmupMs, durationMs: size.durationMs }),
      server,
    );
    const seconds = (performance.now() - started) / 1000;
    await churner.stop();
    const streamBytes = streams.reduce((n, s) => n + s.bytes, 0) - bytesBefore;
    const cutOffs = streams.reduce((n, s) => n + s.cutOffs, 0);
    const resumedOk = streams.filter((s) => s.resumed && s.cutOffsAfterResume === 0).length;
    const beatFailures = loadFailures(m.load);
    const falses = falseExpiries(m.probe);
    const name =
      size.churnPerSecond === 0
        ? `${kilo(size.instances)} beating instances alone, auth on`
        : `${kilo(size.instances)} beating instances, churn ${size.churnPerSecond}+${size.churnPerSecond}/s, auth on`;
    const rows: SummaryRow[] = [
      {
        scenario: name,
        measure: 'beat latency p50 / p99 / max',
        value: `${fmt.ms(m.load.latency.p50)} / ${fmt.ms(m.load.latency.p99)} / ${fmt.ms(m.load.latency.max)}`,
        target: `p99 < ${BEAT_P99_TARGET_MS} ms`,
        verdict: m.load.latency.p99 < BEAT_P99_TARGET_MS ? 'pass' : 'miss',
      },
      {
        scenario: name,
        measure: 'beats sustained / failed',
        value: `${fmt.int(m.load.throughput)} of ${fmt.int(rate)}/s / ${fmt.int(beatFailures)}`,
        target: `${fmt.int(rate)}/s, 0 failed`,
        verdict: !m.load.overloaded && beatFailures === 0 && m.load.throughput >= rate * 0.98 ? 'pass' : 'miss',
      },
      {
        scenario: name,
        measure: 'registrations + removals done / failed (5xx) / p99',
        value:
          `${fmt.int(churner.done)} / ${fmt.int(churner.failed)} (${fmt.int(churner.serverErrors)}) / ` +
          fmt.ms(churner.p99()),
        target: '0 failed',
        verdict: churner.failed === 0 && churner.done > 0 ? 'pass' : 'miss',
      },
      {
        scenario: name,
        measure: 'watch streams cut off (resumed with Last-Event-ID and kept)',
        value: `${cutOffs} (${resumedOk} of ${streams.length})`,
        target: '0',
        verdict: cutOffs === 0 && resumedOk === streams.length ? 'pass' : 'miss',
      },
      {
        scenario: name,
        measure: 'received by all watch streams / UDP pushes / gRPC pushes',
        value: `${(streamBytes / 1024 / 1024 / seconds).toFixed(1)} MB/s / ${fmt.int(udpPushes)} / ${fmt.int(grpcPushes)}`,
        verdict: 'info',
      },
      {
        scenario: name,
        measure: 'server CPU / RSS / loop delay p99 / longest GC pause',
        value:
          `${fmt.pct(m.server.cpuPercent)} of a core / ${fmt.mb(m.server.rssMb)} / ` +
          `${fmt.ms(m.probe?.eventLoopDelay.p99 ?? 0)} / ` +
          fmt.ms(m.probe ? Math.max(...Object.values(m.probe.gc).map((g) => g.maxMs)) : 0),
        verdict: 'info',
      },
      {
        scenario: name,
        measure: 'beating instances wrongly marked unhealthy',
        value: String(falses),
        target: '0',
        verdict: falses === 0 ? 'pass' : 'miss',
      },
    ];
    const data = {
      ...m,
      churn: { done: churner.done, failed: churner.failed, serverErrors: churner.serverErrors, p99Ms: churner.p99() },
      streams: streams.map((s) => ({ bytes: s.bytes, events: s.events, cutOffs: s.cutOffs, resumed: s.resumed })),
      streamBytes,
      udpPushes,
      grpcPushes,
    };
    return { rows, data };
  } finally {
    timers.forEach(clearInterval);
    streams.forEach((s) => s.close());
    udp.forEach((t) => t.close());
    grpc.forEach((c) => c.close());
    await server.stop();
  }
}

/** A subscriber's poll: names its UDP port and makes the server push that service to it. */
async function pollAsSubscriber(server: BeaconServer, token: string, service: string, udpPort: number): Promise<void> {
  const query = new URLSearchParams({
    serviceName: service,
    udpPort: String(udpPort),
    clientIP: '127.0.0.1',
    accessToken: token,
  });
  // The server pushes only to clients it knows to read pushes: the Java client's User-Agent.
  const res = await fetch(`http://127.0.0.1:${server.port}/nacos/v1/ns/instance/list?${query}`, {
    headers: { 'User-Agent': JAVA_UA },
  }).catch(() => undefined);
  await res?.arrayBuffer();
}

/** Registers and removes instances at a steady rate: each lives one second, then is deregistered. */
class Churner {
  done = 0;
  failed = 0;
  serverErrors = 0;
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly latencies: number[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly port: number,
    private readonly token: string,
    private readonly services: number,
    private readonly perSecond: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      const k = this.next++;
      this.track(this.write('POST', k));
      if (k >= this.perSecond) this.track(this.write('DELETE', k - this.perSecond));
    }, 1000 / this.perSecond);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
  }

  p99(): number {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)] ?? 0;
  }

  private track(write: Promise<void>): void {
    this.inFlight.add(write);
    void write.finally(() => this.inFlight.delete(write));
  }

  private async write(method: 'POST' | 'DELETE', k: number): Promise<void> {
    const query = new URLSearchParams({
      serviceName: `bench-svc-${k % this.services}`,
      ip: `127.2.${(k >>> 8) & 255}.${k & 255}`,
      port: String(9000 + (k >>> 16)),
      accessToken: this.token,
    });
    const t0 = performance.now();
    try {
      const res = await fetch(`http://127.0.0.1:${this.port}/nacos/v1/ns/instance?${query}`, { method });
      await res.arrayBuffer();
      this.latencies.push(performance.now() - t0);
      if (res.status === 200) this.done++;
      else {
        this.failed++;
        if (res.status >= 500) this.serverErrors++;
      }
    } catch {
      this.failed++;
    }
  }
}

/**
 * A watch stream of the whole namespace, read as fast as it comes. When the server ends it, that
 * counts as a cut-off and it resumes with `Last-Event-ID`, as EventSource does.
 */
class WatchStream {
  bytes = 0;
  events = 0;
  cutOffs = 0;
  cutOffsAfterResume = 0;
  resumed = false;
  private lastId: number | undefined;
  private req: ClientRequest | undefined;
  private closing = false;
  private dropping = false;
  private readonly parser = new SseEvents((event) => {
    this.events++;
    if (event.id !== undefined) this.lastId = event.id;
  });

  private constructor(
    private readonly port: number,
    private readonly token: string,
  ) {}

  static async open(port: number, token: string): Promise<WatchStream> {
    const stream = new WatchStream(port, token);
    await stream.connect();
    return stream;
  }

  /** Drops the connection and opens it again from the last event seen, as a client would after a blip. */
  reconnect(): void {
    this.resumed = true;
    this.dropping = true;
    this.req?.destroy();
  }

  close(): void {
    this.closing = true;
    this.req?.destroy();
  }

  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { Accept: 'text/event-stream' };
      if (this.lastId !== undefined) headers['Last-Event-ID'] = String(this.lastId);
      const req = request(
        { host: '127.0.0.1', port: this.port, path: `/api/v1/watch?accessToken=${this.token}`, headers },
        (res: IncomingMessage) => {
          if (res.statusCode !== 200) return reject(new Error(`watch answered ${res.statusCode}`));
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            this.bytes += Buffer.byteLength(chunk);
            this.parser.push(chunk);
          });
          res.on('end', () => this.ended(req));
          res.on('error', () => undefined);
          resolve();
        },
      );
      req.on('error', () => this.ended(req));
      req.on('close', () => this.ended(req));
      this.req = req;
      req.end();
    });
  }

  /** The server ended the stream (a cut-off) or we dropped it (the deliberate resume): either way, resume. */
  private ended(req: ClientRequest): void {
    if (this.closing || req !== this.req) return;
    this.req = undefined;
    if (this.dropping) this.dropping = false;
    else {
      this.cutOffs++;
      if (this.resumed) this.cutOffsAfterResume++;
    }
    void this.connect().catch(() => undefined);
  }
}
