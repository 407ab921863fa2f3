import { setTimeout as sleep } from 'node:timers/promises';
import { NacosGrpcClient } from '../load/nacos-grpc-client.js';
import { cpuPercent } from '../process/proc-stats.js';
import type { ScenarioResult, SummaryRow } from '../results.js';
import { REPO_ROOT } from '../servers/beacon-server.js';
import { kilo } from './common.js';
import type { Scenario, ScenarioContext } from './context.js';

/** The target: under 1 KB of heap per connection-held instance. */
export const GRPC_BYTES_PER_INSTANCE_TARGET = 1024;
/** How often each connection sends a health check, as nacos-sdk-rust and the Java SDK do. */
const HEALTH_CHECK_EVERY_MS = 5000;
const PUSH_SAMPLES = 100;

/**
 * One connection subscribes to a service; instances are then registered over HTTP one at a time,
 * and each registration is timed from the HTTP request until the push that carries it arrives.
 */
async function measurePushLatency(subscriber: NacosGrpcClient, httpPort: number): Promise<number[]> {
  const serviceName = 'grpc-push-latency';
  const waiting = new Map<string, () => void>();
  subscriber.onPush = (body) => {
    const hosts = ((body['serviceInfo'] as { hosts?: { ip: string; port: number }[] }) ?? {}).hosts ?? [];
    for (const h of hosts) waiting.get(`${h.ip}:${h.port}`)?.();
  };
  await subscriber.call('SubscribeServiceRequest', {
    namespace: 'public',
    serviceName,
    groupName: 'DEFAULT_GROUP',
    subscribe: true,
    clusters: '',
  });
  const samples: number[] = [];
  for (let i = 0; i < PUSH_SAMPLES; i++) {
    const port = 20_000 + i;
    const t0 = performance.now();
    const pushed = new Promise<void>((resolve) => waiting.set(`127.0.0.2:${port}`, resolve));
    const res = await fetch(
      `http://127.0.0.1:${httpPort}/nacos/v1/ns/instance?serviceName=${serviceName}&ip=127.0.0.2&port=${port}`,
      { method: 'POST' },
    );
    if (res.status !== 200) throw new Error(`HTTP registration answered ${res.status}: ${await res.text()}`);
    await Promise.race([pushed, sleep(5000)]);
    samples.push(performance.now() - t0);
    waiting.delete(`127.0.0.2:${port}`);
  }
  subscriber.onPush = undefined;
  return samples.sort((a, b) => a - b);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/**
 * Scenario 7: Nacos 2.x connection mode. N gRPC connections each publish M instances (one batch
 * per connection, into a service of its own); the server's heap and RSS are read after a full
 * collection before the first connection and after the last batch, so the cost per instance
 * includes its share of its connection. Every connection sends a health check every 5 s from the
 * start (what the SDKs do); at steady state the server's CPU is sampled. Finally all connections
 * close and the time until the registry is empty is measured.
 */
export const grpcConnections: Scenario = {
  id: '7',
  title: 'Nacos 2.x connection mode (gRPC)',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const { steadyMs } = ctx.sizes.grpc;
    const { connections, perConnection } = ctx.options.grpc ?? ctx.sizes.grpc;
    const total = connections * perConnection;
    const server = await ctx.startBeacon({
      exposeGc: true,
      env: {
        // Every connection comes from 127.0.0.1, and all instances sit in one namespace.
        BEACON_GRPC_MAX_CONNECTIONS_PER_IP: String(connections + 10),
        BEACON_MAX_INSTANCES_PER_NAMESPACE: String(Math.max(500_000, total + 1000)),
        BEACON_MAX_SERVICES_PER_NAMESPACE: String(Math.max(50_000, connections + 1000)),
      },
    });
    const clients: NacosGrpcClient[] = [];
    let timer: ReturnType<typeof setInterval> | undefined;
    try {
      const port = server.grpcPort;
      if (port === undefined) throw new Error('the server did not report a gRPC port');
      await sleep(200);
      const before = await server.collectGarbage();
      const rssBefore = server.sample().rssBytes;

      // Every connection sends a health check every 5 s from the moment it is open, as the SDKs do;
      // the checks are spread over the period, as independent clients would be. A connection that
      // stayed silent would be probed by the server after 20 s, and closed if its answer came late.
      let checks = 0;
      let slot = 0;
      const tickMs = 100;
      timer = setInterval(() => {
        const perTick = Math.ceil(clients.length / (HEALTH_CHECK_EVERY_MS / tickMs));
        for (let k = 0; k < perTick && clients.length > 0; k++) {
          const client = clients[slot++ % clients.length]!;
          void client.call('HealthCheckRequest', {}).then(
            () => checks++,
            () => undefined,
          );
        }
      }, tickMs);

      ctx.log(`  opening ${kilo(connections)} connections`);
      const t0 = performance.now();
      for (let i = 0; i < connections; i += 50) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(50, connections - i) }, () => NacosGrpcClient.connect(REPO_ROOT, port)),
        );
        clients.push(...batch);
      }
      const connectMs = performance.now() - t0;

      ctx.log(`  registering ${kilo(total)} instances (${perConnection} per connection)`);
      const t1 = performance.now();
      let reconnects = 0;
      const concurrency = 32;
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let c = next++; c < clients.length; c = next++) {
            const instances = Array.from({ length: perConnection }, (_, j) => ({ ip: '127.0.0.1', port: 1024 + j }));
            try {
              await clients[c]!.batchRegister(`grpc-bench-${c}`, instances);
            } catch (error) {
              // What the SDKs do when the server no longer knows their connection: connect again, redo.
              if (!String(error).includes('"errorCode":301')) throw error;
              reconnects++;
              clients[c]!.close();
              clients[c] = await NacosGrpcClient.connect(REPO_ROOT, port);
              await clients[c]!.batchRegister(`grpc-bench-${c}`, instances);
            }
          }
        }),
      );
      const registerMs = performance.now() - t1;
      await sleep(200);
      const after = await server.collectGarbage();
      const rssAfter = server.sample().rssBytes;
      if (after.instances < total) throw new Error(`only ${after.instances} of ${total} instances registered`);

      ctx.log(`  steady state with health checks for ${steadyMs / 1000} s`);
      await sleep(1000);
      await server.probe();
      const s0 = server.sample();
      await sleep(steadyMs);
      const s1 = server.sample();
      const steady = await server.probe();
      clearInterval(timer);
      timer = undefined;

      ctx.log(`  push latency, HTTP registration -> gRPC subscriber, ${PUSH_SAMPLES} samples`);
      const pushMs = await measurePushLatency(clients[0]!, server.port);

      ctx.log('  closing every connection');
      const t2 = performance.now();
      for (const client of clients.splice(0)) client.close();
      let left = total;
      while (left > 0 && performance.now() - t2 < 30_000) {
        await sleep(50);
        // The instances registered over HTTP for the latency samples are beat-held: they stay.
        left = (await server.probe()).instances - pushMs.length;
      }
      const drainMs = performance.now() - t2;

      const heapPer = (after.memory.heapUsed - before.memory.heapUsed) / total;
      const rssPer = (rssAfter - rssBefore) / total;
      const registerRate = total / (registerMs / 1000);
      const cpu = cpuPercent(s0, s1);
      const label = `${kilo(connections)} connections x ${perConnection}`;
      const rows: SummaryRow[] = [
        {
          scenario: `gRPC, ${label}`,
          measure: 'heap bytes per connection-held instance (connection share included)',
          value: `${Math.round(heapPer)} B (RSS grew ${Math.round(rssPer)} B per instance)`,
          target: `< ${GRPC_BYTES_PER_INSTANCE_TARGET} B`,
          verdict: heapPer < GRPC_BYTES_PER_INSTANCE_TARGET ? 'pass' : 'miss',
        },
        {
          scenario: `gRPC, ${label}`,
          measure: 'registration rate (batches of one connection each)',
          value: `${Math.round(registerRate)} instances/s (${reconnects} connections dropped by the server and redone)`,
          verdict: 'info',
        },
        {
          scenario: `gRPC, ${label}`,
          measure: `server CPU with a health check per connection every 5 s`,
          value: `${cpu.toFixed(1)} % of one core (event loop ${(steady.eventLoopUtilization * 100).toFixed(1)} % busy)`,
          verdict: 'info',
        },
        {
          scenario: `gRPC, ${label}`,
          measure: `push latency, HTTP registration -> gRPC subscriber (${pushMs.length} samples, coalescing window included)`,
          value: `p50 ${percentile(pushMs, 50).toFixed(1)} ms, p99 ${percentile(pushMs, 99).toFixed(1)} ms`,
          target: 'p99 < 100 ms',
          verdict: percentile(pushMs, 99) < 100 ? 'pass' : 'miss',
        },
        {
          scenario: `gRPC, ${label}`,
          measure: 'all connections closed -> registry empty',
          value: left === 0 ? `${Math.round(drainMs)} ms` : `${left} instances left after 30 s`,
          verdict: left === 0 ? 'pass' : 'miss',
        },
      ];
      return {
        id: this.id,
        title: this.title,
        status: 'ok',
        params: {
          connections,
          instancesPerConnection: perConnection,
          healthCheckEveryMs: HEALTH_CHECK_EVERY_MS,
          steadyMs,
          method:
            'process.memoryUsage() after four global.gc() passes, before the first connection and after the last batch; --expose-gc',
        },
        data: {
          before: before.memory,
          after: after.memory,
          instances: after.instances,
          heapBytesPerInstance: heapPer,
          rssBytesPerInstance: rssPer,
          connectMs,
          registerMs,
          registerRate,
          reconnects,
          pushLatencyMs: pushMs,
          steadyCpuPercent: cpu,
          healthChecks: checks,
          eventLoop: { utilization: steady.eventLoopUtilization, delay: steady.eventLoopDelay },
          drainMs: left === 0 ? drainMs : null,
        },
        rows,
        notes: [],
      };
    } finally {
      if (timer) clearInterval(timer);
      for (const client of clients) client.close();
      await server.stop();
    }
  },
};
