import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SdkBeater } from './support/sdk-beater.js';
import { PersistentWriter, ephemeralChurn } from './support/churn.js';
import { findInstance, observeService, seededRandom } from './support/observe.js';
import { FaultServer, freePort, sleep, tempDataDir } from './support/spawned-server.js';

const INTERVAL_MS = 1000;
const TIMINGS = {
  'preserved.heart.beat.interval': String(INTERVAL_MS),
  'preserved.heart.beat.timeout': String(3 * INTERVAL_MS),
  'preserved.ip.delete.timeout': String(6 * INTERVAL_MS),
};
/** Scheduling slack on a shared 2-core machine on top of "within one beat interval". */
const SLACK_MS = 300;
const CYCLES = 2;

/**
 * kill -9 of the built server while clients register, beat and write persistent state, then a
 * restart on the same data dir and port: nothing acknowledged is lost, nothing acknowledged as
 * deleted comes back, and every beating client (the SDK's NamingClient, one per instance, half
 * with light beats) is registered again within one beat interval of the new process answering.
 */
describe('kill -9 during register churn and persistent writes', () => {
  const data = tempDataDir();
  let port: number;
  let server: FaultServer;
  const clients: SdkBeater[] = [];

  beforeAll(async () => {
    port = await freePort();
    server = await FaultServer.start({ port, dataDir: data.path, env: { BEACON_EXPIRY_TICK_MS: '100' } });
    for (let i = 0; i < 8; i++) {
      const full = i % 2 === 0;
      clients.push(
        new SdkBeater({
          port,
          serviceName: full ? 'beaters-full' : 'beaters-light',
          ip: '127.0.0.1',
          instancePort: 40_000 + i,
          metadata: TIMINGS,
          lightBeats: !full,
        }),
      );
    }
    await Promise.all(clients.map((c) => c.start()));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await server?.close();
    data.remove();
  });

  it(`loses nothing acknowledged and gets every client back within one beat interval (${CYCLES} crashes)`, async () => {
    const random = seededRandom(20260611);
    const writers = [1, 2, 3].map((id) => new PersistentWriter(id, seededRandom(id * 7919)));
    const backWithin: number[] = [];

    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      // Churn: persistent writers, ephemeral register/deregister, clients beating; then the crash.
      let crashed = false;
      const work = [...writers.map((w) => w.run(port, () => crashed)), ephemeralChurn(port, () => crashed, random)];
      await sleep(800 + Math.floor(random() * 1200));
      await server.kill9();
      crashed = true;
      await Promise.all(work);
      const downFor = 300 + Math.floor(random() * 700); // clients keep knocking on a closed port
      await sleep(downFor);

      server = await FaultServer.start({ port, dataDir: data.path, env: { BEACON_EXPIRY_TICK_MS: '100' } });
      const readyAt = server.readyAt;

      // Every beating client re-registers through its own beats (full beat: silently; light: 20404).
      const pending = new Set(clients);
      const deadline = readyAt + 3 * INTERVAL_MS + 5_000;
      while (pending.size > 0 && Date.now() < deadline) {
        const seenAt = Date.now();
        const full = await observeService(server.http, 'beaters-full');
        const light = await observeService(server.http, 'beaters-light');
        for (const c of [...pending]) {
          const service = c.options.serviceName === 'beaters-full' ? full : light;
          if (findInstance(service, c.options.ip, c.options.instancePort)?.healthy) {
            backWithin.push(Math.max(0, seenAt - readyAt));
            pending.delete(c);
          }
        }
        await sleep(20);
      }
      expect(
        [...pending].map((c) => `${c.key}: ${c.history.join(' | ')}`),
        `clients not back after crash ${cycle}`,
      ).toEqual([]);

      // Back for good: for longer than the unhealthy timeout nothing changes in their services
      // (no client is told to wait 5 s after its 20404 and then found silent).
      const settled = await Promise.all(['beaters-full', 'beaters-light'].map((n) => observeService(server.http, n)));
      await sleep(3.5 * INTERVAL_MS);
      const later = await Promise.all(['beaters-full', 'beaters-light'].map((n) => observeService(server.http, n)));
      expect(later.map((s) => [s?.revision, s?.healthyCount])).toEqual(settled.map((s) => [s?.revision, 4]));

      // Every acknowledged persistent write survived; acknowledged deletions stayed deleted.
      const problems = (await Promise.all(writers.map((w) => w.verify(server.http)))).flat();
      expect(problems, `after crash ${cycle}`).toEqual([]);
    }

    const acknowledged = writers.reduce((n, w) => n + w.acknowledged, 0);
    console.log(
      `kill -9: ${CYCLES} crashes, ${acknowledged} persistent writes acknowledged and kept; ` +
        `clients back after the restart within ${Math.max(...backWithin)} ms (interval ${INTERVAL_MS} ms); ` +
        `client stats ${JSON.stringify(clients.map((c) => c.stats))}`,
    );
    expect(acknowledged).toBeGreaterThan(20);
    expect(
      Math.max(...backWithin),
      clients.map((c) => `${c.key}: ${c.history.join(' | ')}`).join('\n'),
    ).toBeLessThanOrEqual(INTERVAL_MS + SLACK_MS);
    // Light-beat clients came back through 20404 + register; full-beat clients through the beat itself.
    expect(clients.filter((c) => c.options.lightBeats).every((c) => c.stats.reregistered >= CYCLES)).toBe(true);
    expect(clients.filter((c) => !c.options.lightBeats).every((c) => c.stats.reregistered === 0)).toBe(true);
  }, 120_000);
});
