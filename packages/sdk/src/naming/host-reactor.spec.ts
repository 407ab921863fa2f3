import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, settle } from '../testing/fake-clock.js';
import { HostReactor, type HostEvents, type ListPort } from './host-reactor.js';
import type { ListQuery } from './nacos-api.js';
import { serviceNameOf } from './names.js';
import type { ServiceInfo } from './service-info.js';
import { SnapshotStore } from './snapshot-store.js';
import type { Instance, ServiceChangeEvent } from './types.js';
import type { ServiceDetail } from './watch-hosts.js';

const ORDERS = serviceNameOf('orders', undefined);

function host(ip: string, overrides: Partial<Instance> = {}): Instance {
  return {
    instanceId: `${ip}#8080#DEFAULT#DEFAULT_GROUP@@orders`,
    ip,
    port: 8080,
    weight: 1,
    healthy: true,
    enabled: true,
    ephemeral: true,
    clusterName: 'DEFAULT',
    serviceName: 'DEFAULT_GROUP@@orders',
    metadata: {},
    ...overrides,
  };
}

/** A scripted server: `hosts` is what it answers (or `down` makes it fail); every query is recorded. */
class FakeServer implements ListPort {
  hosts: Instance[] = [host('10.0.0.1')];
  cacheMillis: number | undefined = 3000;
  down = false;
  queries: { at: number; serviceName: string; q: ListQuery }[] = [];
  private held: (() => void)[] = [];
  hold = false;

  constructor(private readonly clock: FakeClock) {}

  async queryList(serviceName: string, q: ListQuery): Promise<ServiceInfo> {
    this.queries.push({ at: this.clock.now(), serviceName, q });
    const hosts = [...this.hosts];
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.down) throw new Error('connect ECONNREFUSED');
    return { name: serviceName, clusters: q.clusters, hosts, cacheMillis: this.cacheMillis, lastRefTime: 1 };
  }

  release(): void {
    this.hold = false;
    for (const resolve of this.held.splice(0)) resolve();
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(
  options: { cacheMillis?: number; pushEmptyProtection?: boolean; snapshotDir?: string; udp?: boolean } = {},
) {
  const clock = new FakeClock(0);
  const server = new FakeServer(clock);
  const events: { [K in keyof HostEvents]: HostEvents[K][] } = {
    serviceChanged: [],
    refreshFailed: [],
    emptyListIgnored: [],
    listenerError: [],
  };
  const snapshots = options.snapshotDir ? new SnapshotStore(options.snapshotDir, 'public') : undefined;
  let newServices = 0;
  const reactor = new HostReactor(
    server,
    clock,
    (event, payload) => (events[event] as unknown[]).push(payload),
    {
      namespace: 'public',
      cacheMillis: options.cacheMillis,
      maxRetryDelayMs: 10_000,
      pushEmptyProtection: options.pushEmptyProtection ?? true,
      random: () => 1,
    },
    async () => (options.udp ? { udpPort: 5555, clientIP: '127.0.0.1' } : undefined),
    snapshots,
    () => newServices++,
  );
  return { clock, server, events, reactor, snapshots, newServices: () => newServices };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-sdk-'));
  dirs.push(dir);
  return dir;
}

describe('HostReactor cache', () => {
  it('loads a service once; concurrent readers share the query; later reads hit the cache', async () => {
    const { server, reactor } = setup();
    const [a, b] = await Promise.all([reactor.getHosts(ORDERS, []), reactor.getHosts(ORDERS, [])]);
    expect(a.map((h) => h.ip)).toEqual(['10.0.0.1']);
    expect(b).toBe(a);
    await reactor.getHosts(ORDERS, []);
    expect(server.queries).toHaveLength(1);
    expect(server.queries[0]!.q).toEqual({ clusters: '' });
  });

  it('keys the cache by service and cluster list', async () => {
    const { server, reactor, newServices } = setup();
    await reactor.getHosts(ORDERS, []);
    await reactor.getHosts(ORDERS, ['A', 'B']);
    await reactor.getHosts(serviceNameOf('pay@@orders', undefined), []);
    expect(server.queries.map((q) => [q.serviceName, q.q.clusters])).toEqual([
      ['DEFAULT_GROUP@@orders', ''],
      ['DEFAULT_GROUP@@orders', 'A,B'],
      ['pay@@orders', ''],
    ]);
    expect(reactor.serviceNames()).toEqual(['DEFAULT_GROUP@@orders', 'pay@@orders']);
    expect(newServices()).toBe(2);
  });

  it('polls every cacheMillis the server gives, and sends the UDP push parameters when push is on', async () => {
    const { clock, server, reactor } = setup({ udp: true });
    await reactor.getHosts(ORDERS, []);
    server.cacheMillis = 10_000;
    await clock.advance(3000);
    await clock.advance(10_000);
    expect(server.queries.map((q) => q.at)).toEqual([0, 3000, 13_000]);
    expect(server.queries[1]!.q).toEqual({ clusters: '', udpPort: 5555, clientIP: '127.0.0.1' });
  });

  it('polls at the fixed cacheMillis when the application sets one', async () => {
    const { clock, server, reactor } = setup({ cacheMillis: 1000 });
    await reactor.getHosts(ORDERS, []);
    await clock.advance(3000);
    expect(server.queries.map((q) => q.at)).toEqual([0, 1000, 2000, 3000]);
  });

  it('queryNow asks a server every time and falls back to the cache only when none answers', async () => {
    const { server, reactor } = setup();
    await reactor.getHosts(ORDERS, []);
    server.hosts = [host('10.0.0.2')];
    expect((await reactor.queryNow(ORDERS, [])).map((h) => h.ip)).toEqual(['10.0.0.2']);
    server.down = true;
    expect((await reactor.queryNow(ORDERS, [])).map((h) => h.ip)).toEqual(['10.0.0.1']);
    await expect(reactor.queryNow(serviceNameOf('other', undefined), [])).rejects.toThrow('ECONNREFUSED');
  });
});

describe('HostReactor subscriptions', () => {
  it('delivers the current list at once, then each change with what was added, removed and modified', async () => {
    const { clock, server, reactor } = setup();
    const seen: ServiceChangeEvent[] = [];
    server.hosts = [host('10.0.0.1'), host('10.0.0.2')];
    await reactor.subscribe(ORDERS, [], (e) => seen.push(e));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.added.map((h) => h.ip)).toEqual(['10.0.0.1', '10.0.0.2']);

    server.hosts = [host('10.0.0.1', { weight: 5 }), host('10.0.0.3')];
    await clock.advance(3000);
    expect(seen).toHaveLength(2);
    const change = seen[1]!;
    expect(change.instances.map((h) => h.ip)).toEqual(['10.0.0.1', '10.0.0.3']);
    expect(change.added.map((h) => h.ip)).toEqual(['10.0.0.3']);
    expect(change.removed.map((h) => h.ip)).toEqual(['10.0.0.2']);
    expect(change.modified).toEqual([host('10.0.0.1', { weight: 5 })]);
    expect(change.source).toBe('poll');

    // An unchanged answer is no event.
    await clock.advance(3000);
    expect(seen).toHaveLength(2);
  });

  it('gives a second listener the cached list without a query, and stops calling an unsubscribed one', async () => {
    const { clock, server, reactor } = setup();
    const first: ServiceChangeEvent[] = [];
    const second: ServiceChangeEvent[] = [];
    const listener = (e: ServiceChangeEvent) => second.push(e);
    await reactor.subscribe(ORDERS, [], (e) => first.push(e));
    await reactor.subscribe(ORDERS, [], listener);
    expect(second.map((e) => e.instances.length)).toEqual([1]);
    expect(server.queries).toHaveLength(1);
    expect(reactor.unsubscribe(ORDERS, [], listener)).toBe(true);
    server.hosts = [];
    server.hosts = [host('10.0.0.9')];
    await clock.advance(3000);
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(1);
  });

  it('a subscription made while the server is down does not reject, and delivers once the server answers', async () => {
    const { clock, server, events, reactor } = setup();
    server.down = true;
    const seen: ServiceChangeEvent[] = [];
    await reactor.subscribe(ORDERS, [], (e) => seen.push(e));
    expect(seen).toHaveLength(0);
    expect(events.refreshFailed).toHaveLength(1);
    server.down = false;
    await clock.advance(events.refreshFailed[0]!.retryInMs);
    expect(seen.map((e) => e.instances.map((h) => h.ip))).toEqual([['10.0.0.1']]);
  });

  it('a listener that throws does not keep the others from their event', async () => {
    const { events, reactor } = setup();
    const seen: number[] = [];
    await reactor.subscribe(ORDERS, [], () => {
      throw new Error('boom');
    });
    await reactor.subscribe(ORDERS, [], (e) => seen.push(e.instances.length));
    expect(seen).toEqual([1]);
    expect(events.listenerError).toHaveLength(1);
  });
});

describe('HostReactor outages', () => {
  it('keeps answering from the cache while the server is down, retries with capped backoff, and recovers', async () => {
    const { clock, server, events, reactor } = setup();
    const seen: ServiceChangeEvent[] = [];
    await reactor.subscribe(ORDERS, [], (e) => seen.push(e));
    server.down = true;
    await clock.advance(3000 + 1000 + 2000 + 3000 + 6000 + 10_000 + 10_000);
    expect(events.refreshFailed.map((f) => f.retryInMs)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect((await reactor.getHosts(ORDERS, [])).map((h) => h.ip)).toEqual(['10.0.0.1']);
    server.down = false;
    server.hosts = [host('10.0.0.2')];
    await clock.advance(10_000);
    expect(seen.at(-1)!.instances.map((h) => h.ip)).toEqual(['10.0.0.2']);
    // Back to the normal period.
    const before = server.queries.length;
    await clock.advance(3000);
    expect(server.queries.length).toBe(before + 1);
  });

  it('serves the snapshot written by an earlier process when no server answers, then the server once it does', async () => {
    const dir = tempDir();
    const earlier = setup({ snapshotDir: dir });
    earlier.server.hosts = [host('10.0.0.7')];
    await earlier.reactor.getHosts(ORDERS, ['DEFAULT']);
    await earlier.snapshots!.flush();
    earlier.reactor.close();

    const { clock, server, reactor, snapshots } = setup({ snapshotDir: dir });
    server.down = true;
    const seen: ServiceChangeEvent[] = [];
    await reactor.subscribe(ORDERS, ['DEFAULT'], (e) => seen.push(e));
    expect((await reactor.getHosts(ORDERS, ['DEFAULT'])).map((h) => h.ip)).toEqual(['10.0.0.7']);
    expect(seen.map((e) => e.source)).toEqual(['snapshot']);
    server.down = false;
    await clock.advance(1000);
    expect(seen.map((e) => [e.source, e.instances.map((h) => h.ip)])).toEqual([
      ['snapshot', ['10.0.0.7']],
      ['poll', ['10.0.0.1']],
    ]);
    // The poll's snapshot write is asynchronous: let it land before the directory is removed.
    await snapshots!.flush();
    reactor.close();
  });

  it('throws on first read when no server answers and there is no snapshot', async () => {
    const { server, reactor } = setup({ snapshotDir: tempDir() });
    server.down = true;
    await expect(reactor.getHosts(ORDERS, [])).rejects.toThrow('ECONNREFUSED');
  });
});

describe('HostReactor push-empty protection', () => {
  it('keeps the last non-empty list when an empty one arrives, and says so', async () => {
    const { clock, server, events, reactor } = setup();
    const seen: ServiceChangeEvent[] = [];
    await reactor.subscribe(ORDERS, [], (e) => seen.push(e));
    server.hosts = [];
    await clock.advance(3000);
    expect(seen).toHaveLength(1);
    expect((await reactor.getHosts(ORDERS, [])).map((h) => h.ip)).toEqual(['10.0.0.1']);
    expect(events.emptyListIgnored).toEqual([{ serviceName: 'DEFAULT_GROUP@@orders', clusters: [], source: 'poll' }]);
  });

  it('delivers the empty list when the application opted in', async () => {
    const { clock, server, reactor } = setup({ pushEmptyProtection: false });
    const seen: ServiceChangeEvent[] = [];
    await reactor.subscribe(ORDERS, [], (e) => seen.push(e));
    server.hosts = [];
    await clock.advance(3000);
    expect(seen.map((e) => e.instances.length)).toEqual([1, 0]);
    expect(seen[1]!.removed.map((h) => h.ip)).toEqual(['10.0.0.1']);
  });

  it('delivers an empty first list (nothing was lost)', async () => {
    const { server, reactor } = setup();
    server.hosts = [];
    const seen: ServiceChangeEvent[] = [];
    await reactor.subscribe(ORDERS, [], (e) => seen.push(e));
    expect(seen.map((e) => e.instances.length)).toEqual([0]);
  });
});

function detail(
  instances: { ip: string; healthy?: boolean; enabled?: boolean; cluster?: string }[],
  protectThreshold = 0,
): ServiceDetail {
  const clusters = [...new Set(instances.map((i) => i.cluster ?? 'DEFAULT'))];
  return {
    namespaceId: 'public',
    name: 'orders',
    groupName: 'DEFAULT_GROUP',
    clusterCount: clusters.length,
    instanceCount: instances.length,
    healthyCount: instances.filter((i) => i.healthy !== false).length,
    servingCount: instances.filter((i) => i.healthy !== false && i.enabled !== false).length,
    disabledCount: instances.filter((i) => i.enabled === false).length,
    protectThreshold,
    protectionReached: false,
    revision: 1,
    metadata: {},
    selectorType: 'none',
    clusters: clusters.map((name) => ({
      name,
      healthChecker: { type: 'TCP' as const },
      checkPort: 80,
      useInstancePort: true,
      instances: instances
        .filter((i) => (i.cluster ?? 'DEFAULT') === name)
        .map((i) => ({
          instanceId: `${i.ip}#8080#${name}#DEFAULT_GROUP@@orders`,
          ip: i.ip,
          port: 8080,
          clusterName: name,
          healthy: i.healthy ?? true,
          enabled: i.enabled ?? true,
          ephemeral: true,
          liveness: 'heartbeat' as const,
          weight: 1,
          metadata: {},
          overrides: {},
          weightOverridden: false,
          enabledOverridden: false,
          client: { weight: 1, enabled: i.enabled ?? true, metadata: {} },
          lastBeat: 0,
          registeredAt: 0,
          timings: {
            intervalMs: 5000,
            timeoutMs: 15000,
            deleteTimeoutMs: 30000,
            intervalFromMetadata: false,
            intervalSource: 'server',
          },
        })),
    })),
  };
}

describe('HostReactor with the watch stream', () => {
  it('skips polls while the watch is live and applies its updates per cluster list', async () => {
    const { clock, server, reactor } = setup();
    const all: ServiceChangeEvent[] = [];
    const onlyB: ServiceChangeEvent[] = [];
    await reactor.subscribe(ORDERS, [], (e) => all.push(e));
    await reactor.subscribe(ORDERS, ['B'], (e) => onlyB.push(e));
    reactor.setWatched(new Set(['DEFAULT_GROUP@@orders']));
    reactor.applyWatch('DEFAULT_GROUP@@orders', detail([{ ip: '10.0.0.1' }, { ip: '10.0.0.2', cluster: 'B' }]));
    await clock.advance(30_000);
    expect(server.queries).toHaveLength(2);
    expect(all.at(-1)!.instances.map((h) => h.ip)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(all.at(-1)!.source).toBe('watch');
    expect(onlyB.at(-1)!.instances.map((h) => [h.ip, h.clusterName])).toEqual([['10.0.0.2', 'B']]);
    // Polls resume when the watch goes down.
    reactor.setWatched(undefined);
    await clock.advance(3000);
    expect(server.queries.length).toBeGreaterThan(2);
  });

  it('keeps polling the services the stream does not follow', async () => {
    const { clock, server, reactor } = setup();
    await reactor.getHosts(ORDERS, []);
    await reactor.getHosts(serviceNameOf('other', undefined), []);
    reactor.setWatched(new Set(['DEFAULT_GROUP@@orders']));
    await clock.advance(9000);
    expect(server.queries.filter((q) => q.serviceName === 'DEFAULT_GROUP@@orders')).toHaveLength(1);
    expect(server.queries.filter((q) => q.serviceName === 'DEFAULT_GROUP@@other')).toHaveLength(4);
  });

  it('computes the host list as /instance/list does: protect threshold, then disabled instances dropped', async () => {
    const { reactor } = setup({ pushEmptyProtection: false });
    await reactor.getHosts(ORDERS, []);
    reactor.applyWatch(
      'DEFAULT_GROUP@@orders',
      detail([
        { ip: '10.0.0.1', healthy: false },
        { ip: '10.0.0.2', healthy: false },
        { ip: '10.0.0.3', enabled: false },
      ]),
    );
    expect((await reactor.getHosts(ORDERS, [])).map((h) => [h.ip, h.healthy])).toEqual([
      ['10.0.0.1', false],
      ['10.0.0.2', false],
    ]);
    // All unhealthy with threshold 0: served as healthy, like Nacos.
    reactor.applyWatch('DEFAULT_GROUP@@orders', detail([{ ip: '10.0.0.1', healthy: false }]));
    expect((await reactor.getHosts(ORDERS, [])).map((h) => [h.ip, h.healthy])).toEqual([['10.0.0.1', true]]);
    // A deleted service is an empty list.
    reactor.applyWatch('DEFAULT_GROUP@@orders', null);
    expect(await reactor.getHosts(ORDERS, [])).toEqual([]);
  });

  it('resync reads every cached service once and applies what changed', async () => {
    const { server, reactor } = setup();
    const seen: ServiceChangeEvent[] = [];
    await reactor.subscribe(ORDERS, [], (e) => seen.push(e));
    await reactor.getHosts(ORDERS, ['B']);
    reactor.setWatched(new Set(['DEFAULT_GROUP@@orders']));
    server.hosts = [host('10.0.0.1'), host('10.0.0.8')];
    reactor.resync();
    await settle();
    expect(server.queries.map((q) => q.q.clusters)).toEqual(['', 'B', '', 'B']);
    expect(seen.at(-1)!.added.map((h) => h.ip)).toEqual(['10.0.0.8']);
  });

  it('drops a poll answer that was overtaken by a watch update', async () => {
    const { clock, server, reactor } = setup();
    await reactor.getHosts(ORDERS, []);
    server.hold = true;
    await clock.advance(3000);
    reactor.applyWatch('DEFAULT_GROUP@@orders', detail([{ ip: '10.0.0.5' }]));
    server.release();
    await settle();
    expect((await reactor.getHosts(ORDERS, [])).map((h) => h.ip)).toEqual(['10.0.0.5']);
  });
});

describe('HostReactor UDP push', () => {
  it('applies a pushed list to the entry with the same name and cluster list', async () => {
    const { reactor } = setup();
    const seen: ServiceChangeEvent[] = [];
    await reactor.subscribe(ORDERS, ['A'], (e) => seen.push(e));
    const pushed = {
      name: 'DEFAULT_GROUP@@orders',
      clusters: 'A',
      hosts: [host('10.0.0.4')],
      cacheMillis: 10_000,
      lastRefTime: 2,
    };
    expect(reactor.applyPush(pushed)).toBe(true);
    expect(reactor.applyPush({ ...pushed, clusters: '' })).toBe(false);
    expect(seen.map((e) => [e.source, e.instances.map((h) => h.ip)])).toEqual([
      ['query', ['10.0.0.1']],
      ['push', ['10.0.0.4']],
    ]);
  });
});

describe('HostReactor close', () => {
  it('stops every timer', async () => {
    const { clock, server, reactor } = setup();
    await reactor.getHosts(ORDERS, []);
    await reactor.getHosts(ORDERS, ['X']);
    expect(clock.pendingTimers).toBe(2);
    reactor.close();
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(60_000);
    expect(server.queries).toHaveLength(2);
  });
});
