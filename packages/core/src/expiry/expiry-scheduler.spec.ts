import { describe, expect, it } from 'vitest';
import { BeatProcessor, type BeatCommand } from '../beat/beat-processor.js';
import type { ServiceChange } from '../events.js';
import type { Metadata } from '../metadata.js';
import { Registry, type RegisterCommand } from '../registry.js';
import { MemoryStore } from '../store.js';
import { FakeClock, lightBeat, registerCommand, TEST_SERVICE, testAddress } from '../testing/index.js';
import { ExpiryScheduler, type ExpiryOptions } from './expiry-scheduler.js';

const SVC = TEST_SERVICE;

function setup(options: ExpiryOptions = {}, start = true) {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const registry = new Registry({ clock, store });
  const beats = new BeatProcessor(registry);
  const expiry = new ExpiryScheduler(registry, { tickMs: 1, startupDeleteGraceMs: 0, ...options });
  if (start) expiry.start();
  const changes: ServiceChange[] = [];
  registry.onChange((c) => changes.push(c));
  const t0 = clock.now();
  const register = (port = 8080, metadata: Metadata = {}, extra: Partial<RegisterCommand> = {}) =>
    registry.registerInstance(registerCommand({ port, metadata, ...extra }));
  const beat = (port = 8080, extra: Partial<BeatCommand> = {}) => beats.beat(lightBeat({ port, ...extra }));
  const find = (port = 8080) => registry.findInstance(testAddress({ port }));
  /** Advances the clock to `t0 + ms`. */
  const at = (ms: number) => clock.advance(t0 + ms - clock.now());
  return { clock, store, registry, beats, expiry, changes, t0, register, beat, find, at };
}

describe('ExpiryScheduler: default timings (15 s unhealthy, 30 s delete)', () => {
  it('is healthy at lastBeat+15000, unhealthy at +15001, present at +30000, deleted at +30001', () => {
    const { register, find, at, changes, t0 } = setup();
    const instance = register();
    changes.length = 0;
    at(15_000);
    expect(instance.healthy).toBe(true);
    at(15_001);
    expect(instance.healthy).toBe(false);
    expect(changes.map((c) => [c.reason, c.at - t0])).toEqual([['instance.unhealthy', 15_001]]);
    at(30_000);
    expect(find()).toBe(instance);
    at(30_001);
    expect(find()).toBeUndefined();
    expect(changes.map((c) => [c.reason, c.at - t0])).toEqual([
      ['instance.unhealthy', 15_001],
      ['instance.expired', 30_001],
    ]);
  });

  it('beats keep an instance alive; silence then expires it relative to the last beat', () => {
    const { register, beat, find, at, changes } = setup();
    const instance = register();
    changes.length = 0;
    for (let t = 5_000; t <= 100_000; t += 5_000) {
      at(t);
      expect(beat().code).toBe(10200);
    }
    expect(instance.healthy).toBe(true);
    expect(changes).toEqual([]);
    at(115_000);
    expect(instance.healthy).toBe(true);
    at(115_001);
    expect(instance.healthy).toBe(false);
    at(130_000);
    expect(find()).toBe(instance);
    at(130_001);
    expect(find()).toBeUndefined();
  });

  it('an unhealthy instance that beats again is healthy, then expires from the new beat', () => {
    const { register, beat, find, at } = setup();
    const instance = register();
    at(20_000);
    expect(instance.healthy).toBe(false);
    beat();
    expect(instance.healthy).toBe(true);
    at(35_000);
    expect(instance.healthy).toBe(true);
    at(35_001);
    expect(instance.healthy).toBe(false);
    at(50_001);
    expect(find()).toBeUndefined();
  });

  it('re-registering restarts the clock', () => {
    const { register, at } = setup();
    const instance = register();
    at(10_000);
    register();
    at(25_000);
    expect(instance.healthy).toBe(true);
    at(25_001);
    expect(instance.healthy).toBe(false);
  });
});

describe('ExpiryScheduler: custom preserved timings', () => {
  it('honours preserved.heart.beat.timeout and preserved.ip.delete.timeout', () => {
    const { register, find, at } = setup();
    const instance = register(8080, { 'preserved.heart.beat.timeout': '3000', 'preserved.ip.delete.timeout': '6000' });
    at(3_000);
    expect(instance.healthy).toBe(true);
    at(3_001);
    expect(instance.healthy).toBe(false);
    at(6_000);
    expect(find()).toBe(instance);
    at(6_001);
    expect(find()).toBeUndefined();
  });

  it('ignores non-digit preserved timings', () => {
    const { register, at } = setup();
    const instance = register(8080, { 'preserved.heart.beat.timeout': '3s' });
    at(15_000);
    expect(instance.healthy).toBe(true);
    at(15_001);
    expect(instance.healthy).toBe(false);
  });

  it('deletes at the delete timeout even when it is shorter than the heartbeat timeout', () => {
    const { register, find, at } = setup();
    const instance = register(8080, {
      'preserved.heart.beat.timeout': '20000',
      'preserved.ip.delete.timeout': '10000',
    });
    at(10_000);
    expect(find()).toBe(instance);
    at(10_001);
    expect(find()).toBeUndefined();
  });

  it('after a beat revives an unhealthy instance, the short timeout applies again', () => {
    const { register, beat, find, at } = setup();
    const instance = register(8080, { 'preserved.heart.beat.timeout': '1000', 'preserved.ip.delete.timeout': '30000' });
    at(1_001);
    expect(instance.healthy).toBe(false);
    at(2_000);
    beat();
    expect(instance.healthy).toBe(true);
    at(3_000);
    expect(instance.healthy).toBe(true);
    at(3_001);
    expect(instance.healthy).toBe(false);
    at(32_000);
    expect(find()).toBe(instance);
    at(32_001);
    expect(find()).toBeUndefined();
  });

  it('an operator edit of the timeout takes effect at once', () => {
    const { register, registry, at } = setup();
    const instance = register();
    registry.editInstance(testAddress(), {
      metadata: { 'preserved.heart.beat.interval': '1000', 'preserved.heart.beat.timeout': '2000' },
    });
    at(2_000);
    expect(instance.healthy).toBe(true);
    at(2_001);
    expect(instance.healthy).toBe(false);
  });

  it('an update that shortens the timeout takes effect at once', () => {
    const { register, registry, at } = setup();
    const instance = register();
    registry.patchInstance({
      namespaceId: 'public',
      serviceName: SVC,
      clusterName: 'DEFAULT',
      ip: '10.0.0.1',
      port: 8080,
      metadata: { 'preserved.heart.beat.timeout': '2000' },
    });
    at(2_001);
    expect(instance.healthy).toBe(false);
  });
});

describe('ExpiryScheduler: what it tracks', () => {
  it('never expires persistent or marked instances', () => {
    const { register, find, at, expiry } = setup();
    const persistent = register(1, {}, { ephemeral: false });
    const marked = register(2);
    marked.marked = true;
    register(2); // re-track it now that it is marked
    expect(expiry.queued).toBe(0);
    at(100_000);
    expect(persistent.healthy).toBe(true);
    expect(marked.healthy).toBe(true);
    expect(find(1)).toBe(persistent);
    expect(find(2)).toBe(marked);
  });

  it('forgets deregistered and deleted instances', () => {
    const { register, registry, expiry } = setup();
    register(1);
    register(2);
    register(3);
    expect(expiry.queued).toBe(3);
    registry.deregisterInstance({
      namespaceId: 'public',
      serviceName: SVC,
      clusterName: 'DEFAULT',
      ip: '10.0.0.1',
      port: 1,
      ephemeral: true,
    });
    expect(expiry.queued).toBe(2);
    registry.deleteService('public', SVC);
    expect(expiry.queued).toBe(0);
  });

  it('a deregistered instance registered again is a fresh instance with a fresh deadline', () => {
    const { register, registry, find, at } = setup();
    register();
    at(10_000);
    registry.deregisterInstance({
      namespaceId: 'public',
      serviceName: SVC,
      clusterName: 'DEFAULT',
      ip: '10.0.0.1',
      port: 8080,
      ephemeral: true,
    });
    const again = register();
    at(25_000);
    expect(again.healthy).toBe(true);
    at(25_001);
    expect(find()!.healthy).toBe(false);
  });

  it('tracks instances that existed before the scheduler was created', () => {
    const clock = new FakeClock();
    const registry = new Registry({ clock, store: new MemoryStore() });
    const instance = registry.registerInstance(registerCommand({ port: 1 }));
    const expiry = new ExpiryScheduler(registry, { tickMs: 1, startupDeleteGraceMs: 0 });
    expect(expiry.queued).toBe(1);
    expiry.start();
    clock.advance(15_001);
    expect(instance.healthy).toBe(false);
  });

  it('stop() cancels the tick; start() twice arms one timer', () => {
    const { clock, register, expiry } = setup({}, false);
    expiry.start();
    expiry.start();
    expect(clock.pendingTimers).toBe(1);
    expiry.stop();
    expect(clock.pendingTimers).toBe(0);
    const instance = register();
    clock.advance(60_000);
    expect(instance.healthy).toBe(true);
  });
});

describe('ExpiryScheduler: startup delete grace', () => {
  it('deletes nothing before the grace has passed, but still marks unhealthy', () => {
    const { register, find, at } = setup({ startupDeleteGraceMs: 60_000 });
    const instance = register();
    at(15_001);
    expect(instance.healthy).toBe(false);
    at(59_999);
    expect(find()).toBe(instance);
    at(60_000);
    expect(find()).toBeUndefined();
  });

  it('an instance that beats during the grace survives', () => {
    const { register, beat, find, at } = setup({ startupDeleteGraceMs: 60_000 });
    const instance = register();
    at(45_000);
    expect(instance.healthy).toBe(false);
    beat();
    at(60_000);
    expect(find()).toBe(instance);
    expect(instance.healthy).toBe(true);
  });

  it('defaults to one delete timeout', () => {
    const clock = new FakeClock();
    const registry = new Registry({ clock, store: new MemoryStore() });
    const expiry = new ExpiryScheduler(registry, { tickMs: 1 });
    clock.advance(20_000);
    registry.registerInstance({
      namespaceId: 'public',
      serviceName: SVC,
      clusterName: 'DEFAULT',
      ip: '10.0.0.1',
      port: 1,
      weight: 1,
      enabled: true,
      healthy: true,
      ephemeral: true,
      metadata: { 'preserved.heart.beat.timeout': '1000', 'preserved.ip.delete.timeout': '2000' },
      app: undefined,
    });
    expiry.start();
    clock.advance(9_999); // t = 29_999: past the delete timeout, still inside the grace
    expect(registry.instanceCount()).toBe(1);
    clock.advance(1); // t = 30_000
    expect(registry.instanceCount()).toBe(0);
  });
});

describe('ExpiryScheduler: pause detection', () => {
  it('after a pause nothing is marked or deleted at once, and beats in the hold window save an instance', () => {
    const { clock, register, beat, find, at, changes, t0 } = setup();
    const beating = register(1);
    const silent = register(2);
    at(1_000);
    changes.length = 0;
    clock.jump(60_000); // process frozen for a minute: t = 61 000, both 61 s silent
    clock.advance(1);
    expect(beating.healthy).toBe(true);
    expect(silent.healthy).toBe(true);
    expect(changes).toEqual([]);

    at(65_000);
    beat(1);
    at(76_000); // the hold (one default timeout after the resume at 61 000) is over
    expect(find(1)).toBe(beating);
    expect(beating.healthy).toBe(true);
    expect(find(2)).toBeUndefined();
    expect(changes.map((c) => c.reason)).toEqual(['instance.unhealthy', 'instance.expired']);
    expect(changes.every((c) => c.at - t0 >= 76_000)).toBe(true);
  });

  it('holds only while the hold lasts: silence after it expires as usual', () => {
    const { clock, register, beat, find, at } = setup();
    const instance = register();
    at(1_000);
    clock.jump(60_000);
    clock.advance(1);
    beat(); // t = 61 001
    at(76_001);
    expect(instance.healthy).toBe(true);
    at(76_002);
    expect(instance.healthy).toBe(false);
    at(91_002);
    expect(find()).toBeUndefined();
  });

  it('by default a pause of just over a second is one: a 1 s / 3 s / 3 s instance survives a 4 s freeze', () => {
    const { clock, register, beat, find, at, changes } = setup();
    const instance = register(8080, {
      'preserved.heart.beat.interval': '1000',
      'preserved.heart.beat.timeout': '3000',
      'preserved.ip.delete.timeout': '3000',
    });
    at(1_000);
    beat();
    changes.length = 0;
    clock.jump(4_000); // frozen 4 s: the overdue tick runs before the beats queued meanwhile
    clock.advance(1);
    beat(); // the queued beat, read right after
    for (let t = 6_000; t <= 25_000; t += 1_000) {
      at(t);
      beat();
    }
    expect(find()).toBe(instance);
    expect(instance.healthy).toBe(true);
    expect(changes).toEqual([]);
  });

  it('an ordinary late tick (below the threshold) is not a pause', () => {
    const { clock, register, at } = setup({ pauseThresholdMs: 5_000 });
    const instance = register();
    at(14_000);
    clock.jump(2_000); // t = 16 000: a 2 s late tick
    clock.advance(1);
    expect(instance.healthy).toBe(false);
  });
});

describe('ExpiryScheduler: switches', () => {
  it('expireInstance=false marks unhealthy, never deletes, and does not spin', () => {
    const { register, registry, find, clock, expiry, t0 } = setup({}, false);
    const instance = register();
    registry.updateSwitches({ expireInstance: false });
    let processed = 0;
    let unhealthyAt = 0;
    while (clock.now() < t0 + 300_000) {
      clock.advance(1);
      processed += expiry.runDue();
      if (!instance.healthy && unhealthyAt === 0) unhealthyAt = clock.now() - t0;
    }
    expect(unhealthyAt).toBe(15_001);
    expect(find()).toBe(instance);
    // one check at 15 001, one at 30 001, then one per delete timeout: about ten in five minutes
    expect(processed).toBeLessThanOrEqual(12);
    expect(expiry.queued).toBe(1);

    registry.updateSwitches({ expireInstance: true });
    for (let i = 0; i < 31; i++) {
      clock.advance(1_000);
      expiry.runDue();
    }
    expect(find()).toBeUndefined();
  });

  it('expireInstance=false with a delete timeout shorter than the heartbeat timeout still marks on time', () => {
    const { register, registry, find, clock, expiry, t0 } = setup({}, false);
    const instance = register(8080, {
      'preserved.heart.beat.timeout': '20000',
      'preserved.ip.delete.timeout': '5000',
    });
    registry.updateSwitches({ expireInstance: false });
    let processed = 0;
    let unhealthyAt = 0;
    while (clock.now() < t0 + 100_000) {
      clock.advance(1);
      processed += expiry.runDue();
      if (!instance.healthy && unhealthyAt === 0) unhealthyAt = clock.now() - t0;
    }
    expect(unhealthyAt).toBe(20_001);
    expect(find()).toBe(instance);
    expect(processed).toBeLessThanOrEqual(20);
  });

  it('healthCheckEnabled=false pauses expiry; switching it on catches up', () => {
    const { register, registry, find, at } = setup();
    const instance = register();
    registry.updateSwitches({ healthCheckEnabled: false });
    at(40_000);
    expect(instance.healthy).toBe(true);
    expect(find()).toBe(instance);
    registry.updateSwitches({ healthCheckEnabled: true });
    at(40_001);
    expect(find()).toBeUndefined();
  });
});

describe('ExpiryScheduler: cost', () => {
  it('with 10 000 beating instances, a tick processes only what is due', () => {
    const { registry, beats, expiry, clock, t0 } = setup({}, false);
    const N = 10_000;
    const BATCH = 1_000;
    const ports = (batch: number) => Array.from({ length: BATCH }, (_, i) => batch * BATCH + i);
    const command = {
      namespaceId: 'public',
      serviceName: SVC,
      clusterName: 'DEFAULT',
      ip: '10.0.0.1',
      weight: 1,
      enabled: true,
      healthy: true,
      ephemeral: true,
      metadata: {},
      app: undefined,
    };
    // ten batches of 1000 registered one second apart; each batch then beats every 5 s
    const perTick: number[] = [];
    for (let second = 0; second <= 60; second++) {
      for (let batch = 0; batch < 10; batch++) {
        if (second === batch) for (const port of ports(batch)) registry.registerInstance({ ...command, port });
        else if (second > batch && (second - batch) % 5 === 0) {
          for (const port of ports(batch)) {
            beats.beat({
              namespaceId: 'public',
              serviceName: SVC,
              clusterName: 'DEFAULT',
              ip: '10.0.0.1',
              port,
              beat: undefined,
            });
          }
        }
      }
      // ticks every 250 ms
      for (let q = 0; q < 4; q++) {
        perTick.push(expiry.runDue());
        clock.advance(250);
      }
    }
    expect(clock.now() - t0).toBe(61_000);
    expect(registry.instanceCount()).toBe(N);
    expect(expiry.queued).toBe(N);
    for (const s of registry.services('public')) expect(s.healthyCount()).toBe(N);
    // no tick ever looked at more than one batch; most looked at nothing
    expect(Math.max(...perTick)).toBe(BATCH);
    expect(perTick.filter((n) => n === 0).length).toBeGreaterThan(perTick.length * 0.8);
    // each instance was looked at once per 15 s of silence budget: about 4 times in 61 s
    const total = perTick.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(N * 4);
    expect(total).toBeGreaterThanOrEqual(N * 3);
    // and a tick right after a busy one costs nothing
    expect(expiry.runDue()).toBe(0);
  });
});
