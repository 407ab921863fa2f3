import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../src/admin/index.js';
import { NamingClient, type NamingClientOptions, type ServiceChangeEvent } from '../src/index.js';
import {
  blackhole,
  deadPort,
  hasWatchStream,
  listFromServer,
  startServer,
  type TestServer,
} from './support/beacon-server.js';
import { closeInChildProcess } from './support/close-probe.js';

/** Fast timings for tests: beat every second, unhealthy after 3 s, deleted after 6 s. */
const FAST = {
  'preserved.heart.beat.interval': '1000',
  'preserved.heart.beat.timeout': '3000',
  'preserved.ip.delete.timeout': '6000',
};

let server: TestServer;
let watchAvailable = false;
const clients: NamingClient[] = [];

function client(options: Partial<NamingClientOptions> = {}): NamingClient {
  const c = new NamingClient({ serverAddresses: [server.baseUrl], requestTimeoutMs: 2000, ...options });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await startServer();
  watchAvailable = await hasWatchStream(server.baseUrl);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await server.close();
});

describe('register and beat', () => {
  it('registers an instance, beats it with light beats after the first, and deregisters it', async () => {
    const app = client();
    const beats: { code: number | undefined; light: boolean; intervalMs: number }[] = [];
    app.on('beat', (b) => beats.push({ code: b.code, light: b.light, intervalMs: b.intervalMs }));
    await app.registerInstance('orders', { ip: '10.1.0.1', port: 8080, metadata: { ...FAST, zone: 'a' } });

    const hosts = await listFromServer(server.baseUrl, 'orders');
    expect(hosts).toEqual([expect.objectContaining({ ip: '10.1.0.1', port: 8080, healthy: true })]);

    await expect.poll(() => beats.length, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    expect(beats[0]).toEqual({ code: 10200, light: false, intervalMs: 1000 });
    expect(beats.slice(1).every((b) => b.light && b.code === 10200)).toBe(true);

    await app.deregisterInstance('orders', { ip: '10.1.0.1', port: 8080 });
    expect(await listFromServer(server.baseUrl, 'orders')).toEqual([]);
    const count = beats.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(beats.length).toBe(count);
  });

  it('stays healthy past the beat timeout because it beats', async () => {
    const app = client();
    await app.registerInstance('alive', { ip: '10.1.0.2', port: 1, metadata: FAST });
    await new Promise((r) => setTimeout(r, 4000));
    expect(await listFromServer(server.baseUrl, 'alive')).toEqual([expect.objectContaining({ healthy: true })]);
  });

  it('registers again by itself when the server forgot the instance (20404)', async () => {
    const app = client();
    await app.registerInstance('forgotten', { ip: '10.1.0.3', port: 2, metadata: FAST });
    await app.nextEvent('beat', (b) => b.light);
    // An operator deletes it behind the client's back.
    await new AdminClient({ baseUrl: server.baseUrl }).deleteService('public', 'DEFAULT_GROUP', 'forgotten');
    expect(await listFromServer(server.baseUrl, 'forgotten')).toEqual([]);
    const again = await app.nextEvent('reregistered');
    expect(again.instance.ip).toBe('10.1.0.3');
    expect(await listFromServer(server.baseUrl, 'forgotten')).toEqual([expect.objectContaining({ ip: '10.1.0.3' })]);
  });

  it("honours an operator's interval edit made through the admin API at the next beat", async () => {
    const app = client();
    const admin = new AdminClient({ baseUrl: server.baseUrl });
    await app.registerInstance('tuned', { ip: '10.1.0.4', port: 3, metadata: FAST });
    await app.nextEvent('beat');
    await admin.patchInstance(
      {
        namespaceId: 'public',
        groupName: 'DEFAULT_GROUP',
        serviceName: 'tuned',
        clusterName: 'DEFAULT',
        ip: '10.1.0.4',
        port: 3,
      },
      // An operator may not ask for less than a second (issue 12): 1.5 s is a real edit.
      { metadata: { 'preserved.heart.beat.interval': '1500' } },
    );
    const changed = await app.nextEvent('intervalChanged');
    expect(changed).toMatchObject({ previousMs: 1000, intervalMs: 1500 });
    const changedAt = Date.now();
    await app.nextEvent('beat');
    const gap = Date.now() - changedAt;
    expect(gap).toBeGreaterThanOrEqual(1450);
    expect(gap).toBeLessThan(1900);
    expect(app.beatIntervalOf('tuned', { ip: '10.1.0.4', port: 3 })).toBe(1500);
  });

  it('re-registering the same instance keeps one beat schedule', async () => {
    const app = client();
    const beats: number[] = [];
    app.on('beat', () => beats.push(Date.now()));
    for (let i = 0; i < 5; i++) await app.registerInstance('once', { ip: '10.1.0.5', port: 4, metadata: FAST });
    await new Promise((r) => setTimeout(r, 3500));
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats.length).toBeLessThanOrEqual(4);
  });

  it('refuses invalid input before sending anything, with clear messages', async () => {
    const app = client();
    await expect(app.registerInstance('', { ip: '1.1.1.1', port: 1 })).rejects.toThrow(
      'serviceName must be a non-empty string',
    );
    await expect(app.registerInstance('s', { ip: '1.1.1.1', port: 70000 })).rejects.toThrow(
      'instance port must be a whole number from 0 to 65535, got 70000',
    );
    await expect(app.registerInstance('s', { ip: '1.1.1.1', port: 1, clusterName: 'a_b' })).rejects.toThrow(
      "clusterName may only have 0-9a-zA-Z and '-'",
    );
    await expect(
      app.registerInstance('s', { ip: '1.1.1.1', port: 1, metadata: { 'preserved.heart.beat.interval': '20000' } }),
    ).rejects.toThrow("'heart beat interval' (20000 ms) must not exceed 'heart beat timeout' (15000 ms)");
  });

  it('passes on what the server refuses, and then beats nothing', async () => {
    const app = client();
    await expect(app.registerInstance('bad name!', { ip: '1.1.1.1', port: 1 })).rejects.toThrow(
      'dom name can only have these characters',
    );
    expect(app.beatIntervalOf('bad name!', { ip: '1.1.1.1', port: 1 })).toBeUndefined();
  });
});

describe('discover and load-balance', () => {
  it('lists, selects and picks by weight among healthy, enabled instances', async () => {
    const provider = client();
    await provider.registerInstance('catalog', { ip: '10.2.0.1', port: 80, weight: 1, metadata: FAST });
    await provider.registerInstance('catalog', { ip: '10.2.0.2', port: 80, weight: 3, metadata: FAST });
    await provider.registerInstance('catalog', { ip: '10.2.0.3', port: 80, enabled: false, metadata: FAST });
    await provider.registerInstance('catalog', { ip: '10.2.0.4', port: 80, weight: 0, metadata: FAST });

    const consumer = client();
    const all = await consumer.getAllInstances('catalog');
    expect(all.map((i) => i.ip).sort()).toEqual(['10.2.0.1', '10.2.0.2', '10.2.0.4']);
    expect(all[0]).toMatchObject({ serviceName: 'DEFAULT_GROUP@@catalog', clusterName: 'DEFAULT', ephemeral: true });
    const healthy = await consumer.selectInstances('catalog');
    expect(healthy.map((i) => i.ip).sort()).toEqual(['10.2.0.1', '10.2.0.2']);
    expect(await consumer.selectInstances('catalog', { healthy: false })).toEqual([]);

    const counts: Record<string, number> = {};
    for (let i = 0; i < 2000; i++) {
      const one = await consumer.selectOneHealthyInstance('catalog');
      counts[one!.ip] = (counts[one!.ip] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(['10.2.0.1', '10.2.0.2']);
    expect(counts['10.2.0.2']! / 2000).toBeGreaterThan(0.65);
    expect(counts['10.2.0.2']! / 2000).toBeLessThan(0.85);
    expect(await consumer.selectOneHealthyInstance('nobody-home')).toBeUndefined();
  });

  it('filters by cluster and by group', async () => {
    const provider = client();
    await provider.registerInstance('inventory', { ip: '10.3.0.1', port: 1, clusterName: 'east', metadata: FAST });
    await provider.registerInstance('inventory', { ip: '10.3.0.2', port: 1, clusterName: 'west', metadata: FAST });
    await provider.registerInstance('inventory', { ip: '10.3.0.3', port: 1, metadata: FAST }, { groupName: 'shop' });
    const consumer = client();
    expect((await consumer.getAllInstances('inventory', { clusters: ['west'] })).map((i) => i.ip)).toEqual([
      '10.3.0.2',
    ]);
    expect((await consumer.getAllInstances('inventory')).map((i) => i.ip).sort()).toEqual(['10.3.0.1', '10.3.0.2']);
    expect((await consumer.getAllInstances('inventory', { groupName: 'shop' })).map((i) => i.ip)).toEqual(['10.3.0.3']);
    expect((await consumer.getAllInstances('shop@@inventory', { subscribe: false })).map((i) => i.ip)).toEqual([
      '10.3.0.3',
    ]);
  });

  it('reports the server status', async () => {
    expect(await client().getServerStatus()).toBe('UP');
  });
});

describe('watch: subscribe to changes', () => {
  it('delivers the list, then what was added, removed and modified', async () => {
    const provider = client();
    await provider.registerInstance('payments', { ip: '10.4.0.1', port: 1, metadata: FAST });
    await provider.registerInstance('payments', { ip: '10.4.0.2', port: 1, metadata: FAST });

    const consumer = client({ cacheMillis: 300 });
    const events: ServiceChangeEvent[] = [];
    await consumer.subscribe('payments', (e) => events.push(e));
    expect(events[0]!.instances.map((i) => i.ip).sort()).toEqual(['10.4.0.1', '10.4.0.2']);

    const next = () => {
      const seen = events.length;
      return expect.poll(() => events.length, { timeout: 5000 }).toBeGreaterThan(seen);
    };
    await provider.registerInstance('payments', { ip: '10.4.0.3', port: 1, metadata: FAST });
    await next();
    expect(events.at(-1)!.added.map((i) => i.ip)).toEqual(['10.4.0.3']);

    await provider.deregisterInstance('payments', { ip: '10.4.0.1', port: 1 });
    await next();
    expect(events.at(-1)!.removed.map((i) => i.ip)).toEqual(['10.4.0.1']);

    await provider.registerInstance('payments', { ip: '10.4.0.2', port: 1, weight: 7, metadata: FAST });
    await next();
    expect(events.at(-1)!.modified.map((i) => [i.ip, i.weight])).toEqual([['10.4.0.2', 7]]);
    expect(
      events
        .at(-1)!
        .instances.map((i) => i.ip)
        .sort(),
    ).toEqual(['10.4.0.2', '10.4.0.3']);
  });

  it('uses the watch stream when the server has it, and polls when it has not', async () => {
    const consumer = client();
    await consumer.getAllInstances('payments');
    const mode = await consumer.nextEvent('watchState', (s) => s.state === 'live' || s.state === 'unsupported');
    expect(mode.state).toBe(watchAvailable ? 'live' : 'unsupported');
  });

  it('gets changes from the stream within moments, without polling', async (ctx) => {
    if (!watchAvailable) ctx.skip('the server has no watch stream (yet)');
    const consumer = client({ cacheMillis: 60_000 });
    const events: ServiceChangeEvent[] = [];
    await consumer.subscribe('streamed', (e) => events.push(e));
    await consumer.nextEvent('watchState', (s) => s.state === 'live');
    const started = Date.now();
    await client().registerInstance('streamed', { ip: '10.5.0.1', port: 1, metadata: FAST });
    await expect.poll(() => events.at(-1)?.instances.length ?? 0, { timeout: 3000 }).toBe(1);
    expect(events.at(-1)!.source).toBe('watch');
    const latencyMs = Date.now() - started;
    console.log(`watch stream delivered a registration to a subscriber ${latencyMs} ms after the register call began`);
    expect(latencyMs).toBeLessThan(1500);
  });

  it('keeps the last list when the server sends an empty one, unless the application opted in', async () => {
    const provider = client();
    await provider.registerInstance('fragile', { ip: '10.6.0.1', port: 1, metadata: FAST });
    const guarded = client({ cacheMillis: 300 });
    const open = client({ cacheMillis: 300, pushEmptyProtection: false });
    const guardedEvents: ServiceChangeEvent[] = [];
    const openEvents: ServiceChangeEvent[] = [];
    await guarded.subscribe('fragile', (e) => guardedEvents.push(e));
    await open.subscribe('fragile', (e) => openEvents.push(e));
    const ignored = guarded.nextEvent('emptyListIgnored');
    await provider.deregisterInstance('fragile', { ip: '10.6.0.1', port: 1 });
    await expect.poll(() => openEvents.at(-1)?.instances.length, { timeout: 5000 }).toBe(0);
    await ignored;
    expect(guardedEvents).toHaveLength(1);
    expect((await guarded.getAllInstances('fragile')).map((i) => i.ip)).toEqual(['10.6.0.1']);
  });
});

describe('failover', () => {
  it('skips a server that refuses connections', async () => {
    const dead = await deadPort();
    const app = client({ serverAddresses: [`127.0.0.1:${dead}`, server.baseUrl], random: () => 0 });
    const failovers: string[] = [];
    app.on('serverFailover', (f) => failovers.push(`${f.from} -> ${f.to}`));
    await app.registerInstance('failover', { ip: '10.7.0.1', port: 1, metadata: FAST });
    expect(failovers).toEqual([`http://127.0.0.1:${dead} -> ${server.baseUrl}`]);
    expect(app.currentServer).toBe(server.baseUrl);
    expect((await app.getAllInstances('failover')).map((i) => i.ip)).toEqual(['10.7.0.1']);
  });

  it('skips a server that never answers, after the request timeout', async () => {
    const hole = await blackhole();
    try {
      const app = client({
        serverAddresses: [`127.0.0.1:${hole.port}`, server.baseUrl],
        random: () => 0,
        requestTimeoutMs: 300,
      });
      const started = Date.now();
      expect(await app.getServerStatus()).toBe('UP');
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(app.currentServer).toBe(server.baseUrl);
    } finally {
      await hole.close();
    }
  });

  it('says which servers failed when none answers', async () => {
    const [a, b] = [await deadPort(), await deadPort()];
    const app = client({ serverAddresses: [`127.0.0.1:${a}`, `127.0.0.1:${b}`], random: () => 0 });
    await expect(app.getAllInstances('x', { subscribe: false })).rejects.toThrow(
      new RegExp(
        `list DEFAULT_GROUP@@x: no server available \\(list DEFAULT_GROUP@@x could not reach http://127.0.0.1:${a}.*ECONNREFUSED`,
      ),
    );
    expect(await app.getServerStatus()).toBe('DOWN');
  });
});

describe('close', () => {
  it('releases every timer, stream and socket: a process with nothing else to do exits', async () => {
    const { code, output } = await closeInChildProcess(server.baseUrl, watchAvailable ? 'live' : 'unsupported');
    expect(output).toContain('closed');
    expect(code).toBe(0);
  });

  it('stops beats and refuses further calls, and deregisters nothing', async () => {
    const app = client();
    await app.registerInstance('closing', { ip: '10.8.0.1', port: 1, metadata: FAST });
    await app.subscribe('closing', () => {});
    let beats = 0;
    app.on('beat', () => beats++);
    await app.close();
    const after = beats;
    await new Promise((r) => setTimeout(r, 1500));
    expect(beats).toBe(after);
    expect(await listFromServer(server.baseUrl, 'closing')).toEqual([expect.objectContaining({ ip: '10.8.0.1' })]);
    await expect(app.getAllInstances('closing')).rejects.toThrow('the naming client is closed');
  });
});
