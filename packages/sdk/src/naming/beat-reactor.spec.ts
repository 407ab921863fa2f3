import { describe, expect, it } from 'vitest';
import { BeatReactor, type BeatEvents, type BeatPort } from './beat-reactor.js';
import { FakeClock, settle } from '../testing/fake-clock.js';
import type { BeatReply, RegisteredInstance } from './nacos-api.js';

function instance(overrides: Partial<RegisteredInstance> = {}): RegisteredInstance {
  return {
    namespace: 'public',
    serviceName: 'DEFAULT_GROUP@@orders',
    groupName: 'DEFAULT_GROUP',
    ip: '10.0.0.1',
    port: 8080,
    weight: 1,
    healthy: true,
    enabled: true,
    ephemeral: true,
    clusterName: 'DEFAULT',
    metadata: {},
    ...overrides,
  };
}

const OK = (clientBeatInterval = 5000, lightBeatEnabled = true): BeatReply => ({
  clientBeatInterval,
  code: 10200,
  lightBeatEnabled,
});

/** A scripted server: `reply` decides each beat's answer (or throws); every call is recorded with its time. */
class FakeServer implements BeatPort {
  beats: { at: number; light: boolean; instance: RegisteredInstance }[] = [];
  registrations: { at: number; instance: RegisteredInstance }[] = [];
  reply: (n: number) => BeatReply | Error = () => OK();
  register: () => Error | undefined = () => undefined;
  private pending: (() => void)[] = [];
  hold = false;

  constructor(private readonly clock: FakeClock) {}

  async sendBeat(i: RegisteredInstance, light: boolean): Promise<BeatReply> {
    this.beats.push({ at: this.clock.now(), light, instance: i });
    if (this.hold) await new Promise<void>((resolve) => this.pending.push(resolve));
    const answer = this.reply(this.beats.length);
    if (answer instanceof Error) throw answer;
    return answer;
  }

  async registerInstance(i: RegisteredInstance): Promise<void> {
    this.registrations.push({ at: this.clock.now(), instance: i });
    const failure = this.register();
    if (failure) throw failure;
  }

  release(): void {
    this.hold = false;
    for (const resolve of this.pending.splice(0)) resolve();
  }
}

function setup(options: { lightBeats?: boolean; random?: () => number } = {}) {
  const clock = new FakeClock(0);
  const server = new FakeServer(clock);
  const events: { [K in keyof BeatEvents]: BeatEvents[K][] } = {
    beat: [],
    beatFailed: [],
    intervalChanged: [],
    reregistered: [],
  };
  const reactor = new BeatReactor(server, clock, (event, payload) => (events[event] as unknown[]).push(payload), {
    lightBeats: options.lightBeats ?? true,
    random: options.random ?? (() => 1),
  });
  return { clock, server, events, reactor };
}

describe('BeatReactor schedule', () => {
  it("sends the first beat after the instance's period, not before", async () => {
    const { clock, server, reactor } = setup();
    reactor.add(instance({ metadata: { 'preserved.heart.beat.interval': '3000' } }));
    await clock.advance(2999);
    expect(server.beats).toHaveLength(0);
    await clock.advance(1);
    expect(server.beats.map((b) => b.at)).toEqual([3000]);
  });

  it('defaults the first period to 5 s, and ignores a non-numeric interval as the server does', async () => {
    const { clock, server, reactor } = setup();
    reactor.add(instance({ metadata: { 'preserved.heart.beat.interval': '3s' } }));
    await clock.advance(4999);
    expect(server.beats).toHaveLength(0);
    await clock.advance(1);
    expect(server.beats).toHaveLength(1);
  });

  it("follows the server's clientBeatInterval from the second beat on, and reports each change", async () => {
    const { clock, server, events, reactor } = setup();
    // The operator edits the interval to 2 s between the first and the second beat.
    server.reply = (n) => OK(n === 1 ? 5000 : 2000);
    reactor.add(instance());
    await clock.advance(5000 + 5000 + 2000 + 2000);
    expect(server.beats.map((b) => b.at)).toEqual([5000, 10000, 12000, 14000]);
    expect(events.intervalChanged).toEqual([expect.objectContaining({ previousMs: 5000, intervalMs: 2000 })]);
    expect(reactor.intervalOf(instance())).toBe(2000);
  });

  it('keeps the old period when the reply has no clientBeatInterval', async () => {
    const { clock, server, reactor } = setup();
    server.reply = () => ({ clientBeatInterval: undefined, code: 10200, lightBeatEnabled: undefined });
    reactor.add(instance({ metadata: { 'preserved.heart.beat.interval': '1000' } }));
    await clock.advance(3000);
    expect(server.beats.map((b) => b.at)).toEqual([1000, 2000, 3000]);
  });
});

describe('BeatReactor light beats', () => {
  it('sends full beats until the server allows light ones, then light ones', async () => {
    const { clock, server, events, reactor } = setup();
    server.reply = (n) => OK(1000, n >= 2);
    reactor.add(instance({ metadata: { 'preserved.heart.beat.interval': '1000' } }));
    await clock.advance(4000);
    expect(server.beats.map((b) => b.light)).toEqual([false, false, true, true]);
    expect(events.beat.map((b) => b.light)).toEqual([false, false, true, true]);
  });

  it('goes back to full beats when the server withdraws light beats', async () => {
    const { clock, server, reactor } = setup();
    server.reply = (n) => OK(1000, n !== 2);
    reactor.add(instance({ metadata: { 'preserved.heart.beat.interval': '1000' } }));
    await clock.advance(4000);
    expect(server.beats.map((b) => b.light)).toEqual([false, true, false, true]);
  });

  it('never sends light beats when the client disables them', async () => {
    const { clock, server, reactor } = setup({ lightBeats: false });
    server.reply = () => OK(1000);
    reactor.add(instance({ metadata: { 'preserved.heart.beat.interval': '1000' } }));
    await clock.advance(3000);
    expect(server.beats.map((b) => b.light)).toEqual([false, false, false]);
  });
});

describe('BeatReactor 20404', () => {
  it('registers the instance again when the server does not know it, then beats on', async () => {
    const { clock, server, events, reactor } = setup();
    server.reply = (n) => (n === 2 ? { clientBeatInterval: 1000, code: 20404, lightBeatEnabled: true } : OK(1000));
    const registered = instance({ metadata: { 'preserved.heart.beat.interval': '1000', zone: 'a' } });
    reactor.add(registered);
    await clock.advance(3000);
    expect(server.registrations).toEqual([{ at: 2000, instance: registered }]);
    expect(events.reregistered).toEqual([{ instance: registered }]);
    expect(server.beats.map((b) => b.at)).toEqual([1000, 2000, 3000]);
  });

  it('retries with backoff when the re-registration itself fails', async () => {
    const { clock, server, events, reactor } = setup();
    server.reply = () => ({ clientBeatInterval: 4000, code: 20404, lightBeatEnabled: true });
    server.register = () => new Error('connection refused');
    reactor.add(instance({ metadata: { 'preserved.heart.beat.interval': '4000' } }));
    await clock.advance(4000);
    expect(events.reregistered).toHaveLength(0);
    expect(events.beatFailed).toEqual([expect.objectContaining({ attempt: 1, retryInMs: 1000 })]);
    server.register = () => undefined;
    await clock.advance(1000);
    expect(server.registrations.map((r) => r.at)).toEqual([4000, 5000]);
    expect(events.reregistered).toHaveLength(1);
  });
});

describe('BeatReactor failures', () => {
  it('retries with capped exponential backoff, never sooner than half the step, never later than the period', async () => {
    const { clock, server, events, reactor } = setup({ random: () => 1 });
    server.reply = () => new Error('ECONNREFUSED');
    reactor.add(instance());
    await clock.advance(5000 + 1000 + 2000 + 4000 + 5000 + 5000);
    expect(server.beats.map((b) => b.at)).toEqual([5000, 6000, 8000, 12000, 17000, 22000]);
    expect(events.beatFailed.map((f) => f.retryInMs)).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
    expect(events.beatFailed.map((f) => f.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('applies jitter within [d/2, d]', async () => {
    const { clock, server, events, reactor } = setup({ random: () => 0 });
    server.reply = () => new Error('ECONNREFUSED');
    reactor.add(instance());
    await clock.advance(5000 + 500 + 1000 + 2000 + 2500);
    expect(events.beatFailed.map((f) => f.retryInMs)).toEqual([500, 1000, 2000, 2500, 2500]);
  });

  it('never becomes a hot loop: a minute of failures is a bounded number of attempts', async () => {
    const { clock, server, reactor } = setup({ random: () => 0 });
    server.reply = () => new Error('ECONNREFUSED');
    reactor.add(instance({ metadata: { 'preserved.heart.beat.interval': '1000' } }));
    await clock.advance(60_000);
    // Period 1 s: retries every 0.5..1 s at most, so no more than 120 attempts in a minute.
    expect(server.beats.length).toBeGreaterThan(50);
    expect(server.beats.length).toBeLessThanOrEqual(120);
    expect(clock.pendingTimers).toBe(1);
  });

  it('returns to the normal period after the first success', async () => {
    const { clock, server, events, reactor } = setup({ random: () => 1 });
    server.reply = (n) => (n <= 3 ? new Error('down') : OK(5000));
    reactor.add(instance());
    await clock.advance(5000 + 1000 + 2000 + 4000);
    expect(events.beat).toHaveLength(1);
    await clock.advance(5000);
    expect(server.beats.map((b) => b.at)).toEqual([5000, 6000, 8000, 12000, 17000]);
  });
});

describe('BeatReactor tasks', () => {
  it('never creates a second task when the same instance is added again; the newest data is beaten', async () => {
    const { clock, server, reactor } = setup({ lightBeats: false });
    server.reply = () => OK(1000);
    reactor.add(instance({ metadata: { 'preserved.heart.beat.interval': '1000' } }));
    await clock.advance(500);
    for (let i = 0; i < 10; i++)
      reactor.add(instance({ weight: 2, metadata: { 'preserved.heart.beat.interval': '1000' } }));
    expect(reactor.size).toBe(1);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(2500);
    expect(server.beats.map((b) => b.at)).toEqual([1000, 2000, 3000]);
    expect(server.beats.every((b) => b.instance.weight === 2)).toBe(true);
  });

  it('keeps one task per instance even when re-added while a beat is in flight', async () => {
    const { clock, server, reactor } = setup();
    server.reply = () => OK(1000);
    reactor.add(instance({ metadata: { 'preserved.heart.beat.interval': '1000' } }));
    server.hold = true;
    await clock.advance(1000);
    expect(server.beats).toHaveLength(1);
    reactor.add(instance({ metadata: { 'preserved.heart.beat.interval': '1000' } }));
    expect(clock.pendingTimers).toBe(0);
    server.release();
    await settle();
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(3000);
    expect(server.beats).toHaveLength(4);
  });

  it('tells instances apart by namespace, service, cluster, ip and port', () => {
    const { reactor } = setup();
    reactor.add(instance());
    reactor.add(instance({ port: 8081 }));
    reactor.add(instance({ clusterName: 'B' }));
    reactor.add(instance({ serviceName: 'DEFAULT_GROUP@@other' }));
    reactor.add(instance({ namespace: 'dev' }));
    expect(reactor.size).toBe(5);
  });

  it('stops beating a removed instance', async () => {
    const { clock, server, reactor } = setup();
    reactor.add(instance());
    await clock.advance(5000);
    expect(reactor.remove(instance())).toBe(true);
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(60_000);
    expect(server.beats).toHaveLength(1);
    expect(reactor.remove(instance())).toBe(false);
  });

  it('does not reschedule a beat that was in flight when the instance was removed', async () => {
    const { clock, server, events, reactor } = setup();
    reactor.add(instance());
    server.hold = true;
    await clock.advance(5000);
    reactor.remove(instance());
    server.release();
    await settle();
    expect(clock.pendingTimers).toBe(0);
    expect(events.beat).toHaveLength(0);
  });

  it('close stops every task', async () => {
    const { clock, server, reactor } = setup();
    reactor.add(instance());
    reactor.add(instance({ port: 1 }));
    reactor.close();
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(60_000);
    expect(server.beats).toHaveLength(0);
  });
});
