import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NamingClient, type ServiceChangeEvent } from '../src/index.js';
import {
  freePort,
  listFromServer,
  spawnServer,
  makeDataDir,
  removeDataDir,
  type SpawnedServer,
} from './support/beacon-server.js';

const INTERVAL_MS = 1000;
const FAST = {
  'preserved.heart.beat.interval': String(INTERVAL_MS),
  'preserved.heart.beat.timeout': '3000',
  'preserved.ip.delete.timeout': '6000',
};

let port: number;
let dataDir: string;
let server: SpawnedServer;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  port = await freePort();
  dataDir = makeDataDir();
  server = await spawnServer(port, dataDir);
});

afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await server.kill('SIGKILL');
  removeDataDir(dataDir);
});

function client(options: Partial<ConstructorParameters<typeof NamingClient>[0]> = {}): NamingClient {
  const c = new NamingClient({ serverAddresses: [server.baseUrl], requestTimeoutMs: 1000, ...options });
  cleanups.push(() => c.close());
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the server is killed and restarted mid-run', () => {
  it('the instance is back and healthy within one beat interval, and discovery answers from the cache meanwhile', async () => {
    const snapshotDir = mkdtempSync(join(tmpdir(), 'beacon-sdk-snap-'));
    cleanups.push(() => removeDataDir(snapshotDir));
    const provider = client();
    const consumer = client({ cacheMillis: 500, maxRetryDelayMs: 1000, snapshotDir });
    const seen: ServiceChangeEvent[] = [];
    const reregistered: number[] = [];
    provider.on('reregistered', () => reregistered.push(Date.now()));

    await provider.registerInstance('resilient', { ip: '10.9.0.1', port: 9, metadata: FAST });
    await consumer.subscribe('resilient', (e) => seen.push(e));
    await provider.nextEvent('beat');
    expect(seen.at(-1)!.instances.map((i) => i.ip)).toEqual(['10.9.0.1']);

    // kill -9: no shutdown, the ephemeral instance is gone with the process.
    await server.kill('SIGKILL');
    const failed = await provider.nextEvent('beatFailed');
    expect(failed.retryInMs).toBeLessThanOrEqual(INTERVAL_MS);

    // With every server down, discovery still answers from the cache...
    expect((await consumer.selectInstances('resilient')).map((i) => i.ip)).toEqual(['10.9.0.1']);
    expect((await consumer.selectOneHealthyInstance('resilient'))?.ip).toBe('10.9.0.1');
    expect(await consumer.getServerStatus()).toBe('DOWN');
    // ...and a process started during the outage finds the list in the snapshot directory.
    const late = client({ snapshotDir });
    expect((await late.getAllInstances('resilient')).map((i) => i.ip)).toEqual(['10.9.0.1']);
    await sleep(1500);

    server = await spawnServer(port, dataDir);
    const readyAt = Date.now();
    let recoveredAt = 0;
    while (Date.now() - readyAt < 5000) {
      const hosts = await listFromServer(server.baseUrl, 'resilient').catch(() => []);
      if (hosts.some((h) => h.ip === '10.9.0.1' && h.healthy)) {
        recoveredAt = Date.now();
        break;
      }
      await sleep(10);
    }
    const recoveryMs = recoveredAt - readyAt;
    console.log(`instance back and healthy ${recoveryMs} ms after the restarted server was listening`);
    expect(recoveredAt).toBeGreaterThan(0);
    // One beat interval, plus room for the re-registration round trip on a busy machine.
    expect(recoveryMs).toBeLessThanOrEqual(INTERVAL_MS + 250);
    expect(reregistered).toHaveLength(1);

    // The consumer recovers by itself too: a change made after the restart reaches it.
    const other = client();
    await other.registerInstance('resilient', { ip: '10.9.0.2', port: 9, metadata: FAST });
    await expect
      .poll(
        () =>
          seen
            .at(-1)
            ?.instances.map((i) => i.ip)
            .sort(),
        { timeout: 5000 },
      )
      .toEqual(['10.9.0.1', '10.9.0.2']);
    expect(await consumer.getServerStatus()).toBe('UP');
  });
});
