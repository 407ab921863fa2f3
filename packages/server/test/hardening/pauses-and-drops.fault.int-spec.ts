import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BeatingClient, type BeatingClientOptions } from './support/beating-client.js';
import { findInstance, observeService, seededRandom, type ObservedService } from './support/observe.js';
import { formOf } from './support/raw-http.js';
import { FaultServer, freePort, sleep, tempDataDir } from './support/spawned-server.js';

function timings(intervalMs: number): Record<string, string> {
  return {
    'preserved.heart.beat.interval': String(intervalMs),
    'preserved.heart.beat.timeout': String(3 * intervalMs),
    'preserved.ip.delete.timeout': String(6 * intervalMs),
  };
}

/** Lossy clients beat every second; three silent intervals make an instance unhealthy. */
const LOSSY = timings(1000);
/**
 * Paused-server clients beat every second (the shortest interval a beat reply gives); unhealthy
 * after 3 s, deleted after 6 s of silence.
 */
const PAUSED = timings(1000);
const DELETE_TIMEOUT_MS = 6000;
/** One SIGSTOP just over the delete timeout, one well over it. */
const STOPS_MS = [DELETE_TIMEOUT_MS + 1_500, DELETE_TIMEOUT_MS + 5_000];

/**
 * The built server with real beating clients: clients that lose beats now and then never flip,
 * and a server frozen with SIGSTOP for longer than the delete timeout, then resumed, deletes
 * (and marks unhealthy) nobody whose client kept beating.
 */
describe('lossy clients and a frozen server', () => {
  const data = tempDataDir();
  let server: FaultServer;
  const clients: BeatingClient[] = [];
  const client = (o: Omit<BeatingClientOptions, 'port' | 'ip'>) => {
    const c = new BeatingClient({ port: server.options.port, ip: '127.0.0.1', ...o });
    clients.push(c);
    return c;
  };

  async function registerSilent(name: string, instancePort: number): Promise<void> {
    const params = { serviceName: name, ip: '127.0.0.1', port: String(instancePort), metadata: JSON.stringify(PAUSED) };
    const res = await server.http.send({
      method: 'POST',
      path: `/nacos/v1/ns/instance?${formOf(Object.entries(params))}`,
    });
    expect(res.body).toBe('ok');
  }

  beforeAll(async () => {
    const port = await freePort();
    server = await FaultServer.start({ port, dataDir: data.path, env: { BEACON_EXPIRY_TICK_MS: '100' } });
    // Deleted once the startup delete grace (one default delete timeout, 30 s) is over.
    await registerSilent('control-silent', 1);

    const random = seededRandom(424242);
    let lastDropped = false;
    const startups = [
      // drops every third beat
      client({
        serviceName: 'steady',
        instancePort: 50_001,
        metadata: LOSSY,
        lightBeats: true,
        drop: (n) => n % 3 === 0,
      }),
      // drops one beat in three at random, never two in a row
      client({
        serviceName: 'steady',
        instancePort: 50_002,
        metadata: LOSSY,
        drop: () => (lastDropped = !lastDropped && random() < 1 / 3),
      }),
      // control: three beats in a row lost, twice; this one must flap, or the watch proves nothing
      client({
        serviceName: 'flappy',
        instancePort: 50_003,
        metadata: LOSSY,
        lightBeats: true,
        drop: (n) => (n >= 4 && n <= 6) || (n >= 12 && n <= 14),
      }),
      // clients of the frozen server: patient ones wait for their answer, impatient ones give up and retry
      client({ serviceName: 'paused', instancePort: 50_011, metadata: PAUSED, lightBeats: true }),
      client({ serviceName: 'paused', instancePort: 50_012, metadata: PAUSED }),
      client({
        serviceName: 'paused',
        instancePort: 50_013,
        metadata: PAUSED,
        lightBeats: true,
        requestTimeoutMs: 400,
      }),
      client({ serviceName: 'paused', instancePort: 50_014, metadata: PAUSED, requestTimeoutMs: 400 }),
    ];
    await Promise.all(startups.map((c) => c.start()));
  }, 60_000);

  afterAll(async () => {
    server?.cont();
    await Promise.all(clients.map((c) => c.stop()));
    await server?.close();
    data.remove();
  });

  it('a client that loses one beat in three (timeout = 3 intervals) never flips unhealthy', async () => {
    await sleep(2_000);
    const start = await observeService(server.http, 'steady');
    const flappyStart = await observeService(server.http, 'flappy');
    expect(start?.healthyCount).toBe(2);
    const seen: string[] = [];
    for (const end = Date.now() + 14_000; Date.now() < end;) {
      const now = await observeService(server.http, 'steady');
      if (now?.revision !== start?.revision || now?.healthyCount !== 2) {
        seen.push(`${now?.revision}/${now?.healthyCount} healthy`);
      }
      await sleep(100);
    }
    const flappy = await observeService(server.http, 'flappy');
    const [a, b, c] = clients;
    console.log(
      `lossy clients: ${JSON.stringify([a?.stats, b?.stats])}; control flapped ` +
        `${(flappy?.revision ?? 0) - (flappyStart?.revision ?? 0)} changes`,
    );
    // Not one change in the service of the lossy clients: no unhealthy mark, however brief.
    expect(seen).toEqual([]);
    expect(a?.stats.dropped).toBeGreaterThanOrEqual(4);
    expect(b?.stats.dropped).toBeGreaterThanOrEqual(3);
    // The control lost three beats in a row twice: it went unhealthy and back, twice.
    expect(c?.stats.dropped).toBe(6);
    expect((flappy?.revision ?? 0) - (flappyStart?.revision ?? 0)).toBeGreaterThanOrEqual(4);
    expect(flappy?.healthyCount).toBe(1);
  }, 30_000);

  it('SIGSTOP for longer than the delete timeout, then SIGCONT: nobody who kept beating is marked or deleted', async () => {
    // Past the startup delete grace: the silent control instance registered at start is gone.
    for (const end = server.readyAt + 45_000; Date.now() < end; await sleep(250)) {
      if ((await observeService(server.http, 'control-silent'))?.instanceCount === 0) break;
    }
    expect((await observeService(server.http, 'control-silent'))?.instanceCount).toBe(0);

    const paused = clients.filter((c) => c.options.serviceName === 'paused');
    for (const [n, stopMs] of STOPS_MS.entries()) {
      const before = await observeService(server.http, 'paused');
      expect(before?.healthyCount).toBe(4);
      const registeredAt = (s: ObservedService | null) =>
        paused.map((c) => findInstance(s, c.options.ip, c.options.instancePort)?.registeredAt);
      const lastCycle = n === STOPS_MS.length - 1;
      if (lastCycle) await registerSilent('control-silent', 2); // must still expire once the hold is over
      const notFoundBefore = paused.map((c) => c.stats.notFound);

      server.stop();
      await sleep(stopMs);
      server.cont();

      // For the next few seconds (the hold, then plain expiry again) nothing changes at all:
      // same revision (no unhealthy mark, no delete, no re-registration), every instance healthy,
      // each one still the same registration, and the healthy-only host list has all four.
      const problems: string[] = [];
      for (const end = Date.now() + 4_000; Date.now() < end; await sleep(100)) {
        const now = await observeService(server.http, 'paused');
        if (now?.revision !== before?.revision) problems.push(`revision ${before?.revision} -> ${now?.revision}`);
        if (now?.healthyCount !== 4) problems.push(`${now?.healthyCount} healthy`);
        if (JSON.stringify(registeredAt(now)) !== JSON.stringify(registeredAt(before))) problems.push('re-registered');
        const list = await server.http.json<{ hosts: unknown[] }>(
          'GET',
          '/nacos/v1/ns/instance/list?serviceName=paused&healthyOnly=true',
        );
        if (list.hosts.length !== 4) problems.push(`${list.hosts.length} healthy hosts listed`);
      }
      expect([...new Set(problems)], `after a ${stopMs} ms SIGSTOP`).toEqual([]);
      expect(paused.map((c) => c.stats.notFound)).toEqual(notFoundBefore);
    }

    // The hold after a pause ends: an instance that nobody beats for expires as usual.
    for (const end = Date.now() + 30_000; Date.now() < end; await sleep(250)) {
      if ((await observeService(server.http, 'control-silent'))?.instanceCount === 0) break;
    }
    expect((await observeService(server.http, 'control-silent'))?.instanceCount).toBe(0);
    expect((await observeService(server.http, 'paused'))?.healthyCount).toBe(4);
    console.log(`paused clients: ${JSON.stringify(paused.map((c) => c.stats))}`);
  }, 120_000);
});
