import { describe, expect, it } from 'vitest';
import type { ServiceChange } from '../events.js';
import { FakeClock } from '../testing/index.js';
import { Registry, type RegisterCommand } from '../registry.js';
import { MemoryStore } from '../store.js';
import { HealthCheckScheduler } from './health-check-scheduler.js';
import type { ProbeOutcome, ProbeResult, ProbeTarget, Prober } from './prober.js';

const SVC = 'DEFAULT_GROUP@@demo';

/** A prober that answers from a script; `next` is used once the script runs out. */
class FakeProber implements Prober {
  readonly calls: ProbeTarget[] = [];
  script: (ProbeOutcome | 'reject')[] = [];
  next: ProbeOutcome | 'reject' = 'ok';

  probe(target: ProbeTarget): Promise<ProbeResult> {
    this.calls.push(target);
    const outcome = this.script.shift() ?? this.next;
    if (outcome === 'reject') return Promise.reject(new Error('socket exploded'));
    return Promise.resolve({ outcome, rtMs: 10 });
  }
}

/** Lets the promise chains of probes started by a timer settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function setup() {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const registry = new Registry({ clock, store });
  const prober = new FakeProber();
  const scheduler = new HealthCheckScheduler(registry, prober, () => 0);
  const changes: ServiceChange[] = [];
  registry.onChange((c) => changes.push(c));
  const register = (overrides: Partial<RegisterCommand> = {}) =>
    registry.registerInstance({
      namespaceId: 'public',
      serviceName: SVC,
      clusterName: 'DEFAULT',
      ip: '10.0.0.1',
      port: 8080,
      weight: 1,
      enabled: true,
      healthy: true,
      ephemeral: false,
      metadata: {},
      app: undefined,
      ...overrides,
    });
  const cluster = (name = 'DEFAULT') => registry.findService('public', SVC)!.cluster(name)!;
  /** Runs rounds with the given outcomes, one per round. */
  const rounds = async (...outcomes: (ProbeOutcome | 'reject')[]) => {
    for (const outcome of outcomes) {
      prober.script.push(outcome);
      await scheduler.checkCluster(cluster());
    }
  };
  return { clock, store, registry, prober, scheduler, changes, register, cluster, rounds };
}

describe('HealthCheckScheduler: status changes', () => {
  it('flips unhealthy after 3 consecutive soft failures, with one change', async () => {
    const { register, rounds, changes } = setup();
    const instance = register();
    changes.length = 0;
    await rounds('fail', 'fail');
    expect(instance.healthy).toBe(true);
    await rounds('fail');
    expect(instance.healthy).toBe(false);
    expect(changes.map((c) => c.reason)).toEqual(['instance.unhealthy']);
    await rounds('fail', 'fail', 'fail');
    expect(changes).toHaveLength(1);
  });

  it('an ok in between resets the failure streak', async () => {
    const { register, rounds } = setup();
    const instance = register();
    await rounds('fail', 'fail', 'ok', 'fail', 'fail');
    expect(instance.healthy).toBe(true);
    await rounds('fail');
    expect(instance.healthy).toBe(false);
  });

  it('fail-now flips at once', async () => {
    const { register, rounds, changes } = setup();
    const instance = register();
    changes.length = 0;
    await rounds('fail-now');
    expect(instance.healthy).toBe(false);
    expect(changes.map((c) => c.reason)).toEqual(['instance.unhealthy']);
  });

  it('keeps the last check of each instance, with the time on the registry clock', async () => {
    const { register, rounds, clock } = setup();
    const instance = register();
    expect(instance.lastCheck).toBeUndefined();
    clock.advance(1000);
    await rounds('reject');
    expect(instance.lastCheck).toMatchObject({
      at: clock.now(),
      outcome: 'fail',
      reason: 'probe error: socket exploded',
    });
    await rounds('ok');
    expect(instance.lastCheck).toMatchObject({
      outcome: 'ok',
      lastFailureReason: 'probe error: socket exploded',
    });
  });

  it('a rejected probe counts as a soft failure', async () => {
    const { register, rounds, prober } = setup();
    const instance = register();
    await rounds('reject', 'reject');
    expect(instance.healthy).toBe(true);
    await rounds('reject');
    expect(instance.healthy).toBe(false);
    // and it is over: the next round probes again
    await rounds('ok');
    expect(prober.calls).toHaveLength(4);
  });

  it('an ok streak of 3 restores health; a failure in between restarts it', async () => {
    const { register, rounds, changes } = setup();
    const instance = register();
    await rounds('fail-now');
    changes.length = 0;
    await rounds('ok', 'ok', 'fail', 'ok', 'ok');
    expect(instance.healthy).toBe(false);
    await rounds('ok');
    expect(instance.healthy).toBe(true);
    expect(changes.map((c) => c.reason)).toEqual(['instance.healthy']);
  });

  it('honours the checkTimes switch', async () => {
    const { register, rounds, registry } = setup();
    const instance = register();
    registry.updateSwitches({ checkTimes: 1 });
    await rounds('fail');
    expect(instance.healthy).toBe(false);
    await rounds('ok');
    expect(instance.healthy).toBe(true);
  });

  it('persists a flip of a persistent instance', async () => {
    const { register, rounds, store } = setup();
    register();
    await rounds('fail-now');
    expect(store.load().instances[0]!.healthy).toBe(false);
  });
});

describe('HealthCheckScheduler: what it checks', () => {
  it('probes only persistent, unmarked instances, at their own port by default', async () => {
    const { register, prober, scheduler, cluster } = setup();
    register({ port: 1 });
    register({ port: 2, ephemeral: true });
    const marked = register({ port: 3 });
    marked.marked = true;
    await scheduler.checkCluster(cluster());
    expect(prober.calls.map((c) => [c.ip, c.port, c.checker.type])).toEqual([['10.0.0.1', 1, 'TCP']]);
  });

  it('probes the cluster check port when useIPPort4Check is false', async () => {
    const { register, prober, scheduler, cluster, registry } = setup();
    register({ port: 1 });
    registry.updateCluster('public', SVC, 'DEFAULT', { useIPPort4Check: false, defaultCheckPort: 9000 });
    await scheduler.checkCluster(cluster());
    expect(prober.calls.map((c) => c.port)).toEqual([9000]);
  });

  it('passes the HTTP checker through', async () => {
    const { register, prober, scheduler, cluster, registry } = setup();
    register();
    const http = { type: 'HTTP' as const, path: '/health', headers: '', expectedResponseCode: 200 };
    registry.updateCluster('public', SVC, 'DEFAULT', { healthChecker: http });
    await scheduler.checkCluster(cluster());
    expect(prober.calls[0]!.checker).toEqual(http);
  });

  it('does nothing for NONE or MYSQL checkers, or when healthCheckEnabled is off', async () => {
    const { register, prober, scheduler, cluster, registry, rounds } = setup();
    const instance = register();
    registry.updateCluster('public', SVC, 'DEFAULT', { healthChecker: { type: 'NONE' } });
    await rounds('fail-now');
    registry.updateCluster('public', SVC, 'DEFAULT', { healthChecker: { type: 'MYSQL', user: '', pwd: '', cmd: '' } });
    await rounds('fail-now');
    registry.updateCluster('public', SVC, 'DEFAULT', { healthChecker: { type: 'TCP' } });
    registry.updateSwitches({ healthCheckEnabled: false });
    await scheduler.checkCluster(cluster());
    expect(prober.calls).toEqual([]);
    expect(instance.healthy).toBe(true);
  });

  it('skips an instance whose previous check is still running', async () => {
    const { register, registry, cluster } = setup();
    let release: (r: ProbeResult) => void = () => undefined;
    const calls: number[] = [];
    const slow: Prober = {
      probe: (t) => {
        calls.push(t.port);
        return new Promise<ProbeResult>((resolve) => (release = resolve));
      },
    };
    const own = new HealthCheckScheduler(registry, slow, () => 0);
    const instance = register();
    const first = own.checkCluster(cluster());
    await own.checkCluster(cluster());
    expect(calls).toEqual([8080]);
    release({ outcome: 'ok', rtMs: 1 });
    await first;
    expect(instance.lastCheck?.outcome).toBe('ok');
    const third = own.checkCluster(cluster());
    expect(calls).toEqual([8080, 8080]);
    release({ outcome: 'ok', rtMs: 1 });
    await third;
  });

  it('ignores the result for an instance removed while it was being probed', async () => {
    const { register, registry, cluster, changes } = setup();
    const instance = register();
    let release: (r: ProbeResult) => void = () => undefined;
    const slow: Prober = { probe: () => new Promise<ProbeResult>((resolve) => (release = resolve)) };
    const own = new HealthCheckScheduler(registry, slow, () => 0);
    const round = own.checkCluster(cluster());
    registry.deregisterInstance({
      namespaceId: 'public',
      serviceName: SVC,
      clusterName: 'DEFAULT',
      ip: '10.0.0.1',
      port: 8080,
      ephemeral: false,
    });
    changes.length = 0;
    release({ outcome: 'fail-now', rtMs: 1 });
    await round;
    expect(changes).toEqual([]);
    expect(instance.healthy).toBe(true);
  });
});

describe('HealthCheckScheduler: timers', () => {
  it('first checks 2000 ms after start (random 0), then every min interval', async () => {
    const { register, prober, scheduler, clock } = setup();
    register();
    scheduler.start();
    clock.advance(1_999);
    expect(prober.calls).toHaveLength(0);
    clock.advance(1);
    expect(prober.calls).toHaveLength(1);
    await settle();
    // the TCP range is 1000..5000 ms; a 10 ms response keeps the interval at its minimum
    clock.advance(999);
    expect(prober.calls).toHaveLength(1);
    clock.advance(1);
    expect(prober.calls).toHaveLength(2);
  });

  it('the first delay is 2000 + rand(0, rand(0, 5000))', () => {
    const clock = new FakeClock();
    const registry = new Registry({ clock, store: new MemoryStore() });
    const prober = new FakeProber();
    const values = [0.5, 0.5];
    const scheduler = new HealthCheckScheduler(registry, prober, () => values.shift() ?? 0);
    registry.registerInstance({
      namespaceId: 'public',
      serviceName: SVC,
      clusterName: 'DEFAULT',
      ip: '10.0.0.1',
      port: 1,
      weight: 1,
      enabled: true,
      healthy: true,
      ephemeral: false,
      metadata: {},
      app: undefined,
    });
    scheduler.start();
    // 2000 + floor(0.5 * floor(0.5 * 5000)) = 3250
    clock.advance(3_249);
    expect(prober.calls).toHaveLength(0);
    clock.advance(1);
    expect(prober.calls).toHaveLength(1);
  });

  it('flips health from timer-driven rounds', async () => {
    const { register, prober, scheduler, clock } = setup();
    const instance = register();
    prober.next = 'fail';
    scheduler.start();
    clock.advance(2_000);
    await settle();
    clock.advance(1_000);
    await settle();
    expect(instance.healthy).toBe(true);
    clock.advance(1_000);
    await settle();
    expect(instance.healthy).toBe(false);
  });

  it('arms a task when a persistent instance registers after start, and drops it when the last one leaves', () => {
    const { register, scheduler, clock, registry } = setup();
    scheduler.start();
    expect(clock.pendingTimers).toBe(0);
    register({ port: 1 });
    register({ port: 2 });
    register({ port: 3, ephemeral: true });
    expect(clock.pendingTimers).toBe(1);
    const deregister = (port: number) =>
      registry.deregisterInstance({
        namespaceId: 'public',
        serviceName: SVC,
        clusterName: 'DEFAULT',
        ip: '10.0.0.1',
        port,
        ephemeral: false,
      });
    deregister(1);
    expect(clock.pendingTimers).toBe(1);
    deregister(2);
    expect(clock.pendingTimers).toBe(0);
  });

  it('one task per cluster; stop() clears them and start() re-arms', () => {
    const { register, scheduler, clock } = setup();
    register({ clusterName: 'A' });
    register({ clusterName: 'B' });
    expect(clock.pendingTimers).toBe(0);
    scheduler.start();
    expect(clock.pendingTimers).toBe(2);
    scheduler.stop();
    expect(clock.pendingTimers).toBe(0);
    scheduler.start();
    expect(clock.pendingTimers).toBe(2);
  });

  it('after stop() no probe runs', () => {
    const { register, prober, scheduler, clock } = setup();
    register();
    scheduler.start();
    scheduler.stop();
    clock.advance(60_000);
    expect(prober.calls).toEqual([]);
  });
});

describe('HealthCheckScheduler: shared by several nodes (cluster mode)', () => {
  it('probes only the services this node owns, and hands a change to the sharing instead of flipping it', async () => {
    const { register, registry, prober, cluster, changes } = setup();
    let owned = false;
    const decided: [number, boolean][] = [];
    const shared = new HealthCheckScheduler(registry, prober, () => 0, {
      owns: (namespaceId, serviceName) => owned && namespaceId === 'public' && serviceName === SVC,
      setHealth: (instance, healthy) => decided.push([instance.port, healthy]),
    });
    const instance = register();
    changes.length = 0;
    prober.next = 'fail-now';

    await shared.checkCluster(cluster());
    expect(prober.calls).toEqual([]);

    owned = true;
    await shared.checkCluster(cluster());
    expect(prober.calls).toHaveLength(1);
    expect(decided).toEqual([[8080, false]]);
    // The view changes when the shared change comes back, not before.
    expect(instance.healthy).toBe(true);
    expect(changes).toEqual([]);

    // Not applied (the engines were down): the next check decides it again.
    await shared.checkCluster(cluster());
    expect(decided).toEqual([
      [8080, false],
      [8080, false],
    ]);
    // Applied: a check that agrees with the view decides nothing.
    registry.setCheckedHealth(instance.address, false);
    await shared.checkCluster(cluster());
    expect(decided).toHaveLength(2);
  });
});
