import { performance } from 'node:perf_hooks';
import {
  BeatProcessor,
  ExpiryScheduler,
  MemoryStore,
  Registry,
  type BeatCommand,
  type ChangeReason,
} from '@beacon/core';
import { FakeClock } from '@beacon/core/testing';

/**
 * Child-process entry of scenario 5: the core's own Registry, BeatProcessor and ExpiryScheduler
 * on a fake clock, driven tick by tick exactly as the server's 500 ms timer drives them. Beats are
 * applied between ticks (and not timed); only `runDue`, the whole cost of expiry, is timed.
 */
export interface ExpirySimParams {
  instances: number;
  perService: number;
  silentPercent: number;
  /** When the silent instances stop beating. */
  silentAtSeconds: number;
  simulatedSeconds: number;
  tickMs: number;
  intervalMs: number;
}

export interface ExpiryPhase {
  /** Simulated seconds covered. */
  seconds: number;
  ticks: number;
  /** Wall-clock time spent in runDue. */
  totalMs: number;
  maxTickMs: number;
  processed: number;
}

export interface ExpirySimResult {
  steady: ExpiryPhase;
  unhealthyWave: ExpiryPhase;
  deleteWave: ExpiryPhase;
  changes: Partial<Record<ChangeReason, number>>;
  silent: number;
  /** Unhealthy or expired changes for instances that never stopped beating. */
  falseExpiries: number;
  remainingInstances: number;
}

function simulate(p: ExpirySimParams): ExpirySimResult {
  const clock = new FakeClock(1_700_000_000_000);
  const registry = new Registry({ clock, store: new MemoryStore() });
  const beats = new BeatProcessor(registry);
  const expiry = new ExpiryScheduler(registry, { tickMs: p.tickMs });
  const silentEvery = Math.round(100 / p.silentPercent);
  const isSilent = (i: number) => i % silentEvery === 0;

  const commands: BeatCommand[] = [];
  for (let i = 0; i < p.instances; i++) {
    commands.push({
      namespaceId: 'public',
      serviceName: `DEFAULT_GROUP@@bench-svc-${Math.floor(i / p.perService)}`,
      clusterName: 'DEFAULT',
      ip: `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`,
      port: 8080,
      beat: undefined,
    });
  }

  const changes: Partial<Record<ChangeReason, number>> = {};
  let falseExpiries = 0;
  const silentKeys = new Set<string>();
  for (let i = 0; i < p.instances; i += silentEvery) silentKeys.add(`${commands[i]!.ip}:8080`);
  registry.onChange((c) => {
    changes[c.reason] = (changes[c.reason] ?? 0) + 1;
    if ((c.reason === 'instance.unhealthy' || c.reason === 'instance.expired') && !silentKeys.has(c.instance ?? '')) {
      falseExpiries++;
    }
  });

  const phase = (): ExpiryPhase => ({ seconds: 0, ticks: 0, totalMs: 0, maxTickMs: 0, processed: 0 });
  const steady = phase();
  const unhealthyWave = phase();
  const deleteWave = phase();
  const start = clock.now();
  const silentAt = start + p.silentAtSeconds * 1000;
  // Each instance beats at its own phase within the interval, so beats spread evenly over time.
  const perTick = (p.instances * p.tickMs) / p.intervalMs;
  let cursor = 0;
  for (let t = p.tickMs; t <= p.simulatedSeconds * 1000; t += p.tickMs) {
    const end = Math.round((t / p.tickMs) * perTick);
    for (; cursor < end; cursor++) {
      const i = cursor % p.instances;
      const cmd = commands[i]!;
      if (cursor < p.instances) {
        // The first interval registers everyone, spread as clients starting up would be.
        registry.registerInstance({
          ...cmd,
          weight: 1,
          enabled: true,
          healthy: true,
          ephemeral: true,
          metadata: {},
          app: undefined,
        });
      } else if (!isSilent(i) || clock.now() < silentAt) {
        beats.beat(cmd);
      }
    }
    clock.jump(p.tickMs);
    const before = { ...changes };
    const t0 = performance.now();
    const processed = expiry.runDue(clock.now());
    const ms = performance.now() - t0;
    const unhealthyNow = (changes['instance.unhealthy'] ?? 0) - (before['instance.unhealthy'] ?? 0);
    const expiredNow = (changes['instance.expired'] ?? 0) - (before['instance.expired'] ?? 0);
    const target = expiredNow > 0 ? deleteWave : unhealthyNow > 0 ? unhealthyWave : steady;
    target.ticks++;
    target.seconds += p.tickMs / 1000;
    target.totalMs += ms;
    target.processed += processed;
    if (ms > target.maxTickMs) target.maxTickMs = ms;
  }
  return {
    steady,
    unhealthyWave,
    deleteWave,
    changes,
    silent: silentKeys.size,
    falseExpiries,
    remainingInstances: registry.instanceCount(),
  };
}

process.on('message', (message: { type: 'simulate'; params: ExpirySimParams }) => {
  if (message?.type !== 'simulate') return;
  try {
    process.send?.({ type: 'result', result: simulate(message.params) });
  } catch (error) {
    process.send?.({ type: 'error', message: error instanceof Error ? error.stack : String(error) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
