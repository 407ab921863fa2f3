/**
 * The real Node client from npm (`nacos-naming@2.6.3`) against Beacon: register, query, select,
 * subscribe, beat, deregister, close. Its beat loop first fires about 10 s after the client is
 * created, so this file takes about 15 s.
 */
import { NacosNamingClient } from 'nacos-naming';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NacosWire, NS } from '../support/nacos-wire.js';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';

interface Host {
  ip: string;
  port: number;
  healthy: boolean;
  enabled: boolean;
  weight: number;
  metadata: Record<string, string>;
  serviceName: string;
  clusterName: string;
}

/** The subset of the client this test drives (its bundled typings are loose). */
interface NamingClient {
  ready(): Promise<void>;
  close(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): void;
  registerInstance(serviceName: string, instance: object, groupName?: string): Promise<void>;
  deregisterInstance(serviceName: string, instance: object, groupName?: string): Promise<void>;
  getAllInstances(serviceName: string, groupName?: string, clusters?: string, subscribe?: boolean): Promise<Host[]>;
  selectInstances(
    serviceName: string,
    groupName?: string,
    clusters?: string,
    healthy?: boolean,
    subscribe?: boolean,
  ): Promise<Host[]>;
  subscribe(
    info: { serviceName: string; groupName?: string; clusters?: string },
    listener: (hosts: Host[]) => void,
  ): void;
  getServerStatus(): Promise<'UP' | 'DOWN'>;
}

const SERVICE = 'node-client-svc';
const GROUPED = `DEFAULT_GROUP@@${SERVICE}`;
const FIRST = { ip: '10.60.0.1', port: 8080, metadata: { k: 'v', 'preserved.heart.beat.interval': '1000' } };
// The client keeps one beat interval for all its instances (the last reply wins): give both the same.
const SECOND = { ip: '10.60.0.2', port: 8080, metadata: { k: 'w', 'preserved.heart.beat.interval': '1000' } };

let server: InProcessServer;
let client: NamingClient;
const problems: string[] = [];

/** Quiet, but keeps what the client reports as errors: every test ends by asserting there were none. */
const logger = {
  debug: () => undefined,
  info: () => undefined,
  log: () => undefined,
  warn: (...args: unknown[]) => problems.push(`warn: ${args.map(String).join(' ')}`),
  error: (...args: unknown[]) => problems.push(`error: ${args.map(String).join(' ')}`),
};

beforeAll(async () => {
  server = await startInProcessServer();
  client = new NacosNamingClient({
    logger: logger as unknown as typeof console,
    serverList: `127.0.0.1:${server.port}`,
    namespace: 'public',
  }) as unknown as NamingClient;
  client.on('error', (error) => problems.push(`error event: ${error.message}`));
  await client.ready();
});

afterAll(async () => {
  await client?.close();
  await server?.close();
});

async function catalog(): Promise<{ ip: string; lastBeat: number; metadata: Record<string, string> }[]> {
  const res = await new NacosWire(server.baseUrl, 'plain').get(NS + '/catalog/instances', {
    serviceName: GROUPED,
    clusterName: 'DEFAULT',
    pageNo: 1,
    pageSize: 10,
  });
  return res.status === 200
    ? res.json<{ list: { ip: string; lastBeat: number; metadata: Record<string, string> }[] }>().list
    : [];
}

async function lastBeatOf(ip: string): Promise<number | undefined> {
  return (await catalog()).find((i) => i.ip === ip)?.lastBeat;
}

/** Polls until `probe` returns a value that is not undefined. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('nacos-naming 2.6.3 against Beacon', () => {
  let registeredBeat = 0;

  it('reports the server UP', async () => {
    expect(await client.getServerStatus()).toBe('UP');
  });

  it('registerInstance: the server has the instance with the client metadata', async () => {
    await client.registerInstance(SERVICE, FIRST);
    const instances = await catalog();
    expect(instances.map((i) => [i.ip, i.metadata])).toEqual([[FIRST.ip, FIRST.metadata]]);
    registeredBeat = instances[0]!.lastBeat;
  });

  it('getAllInstances and selectInstances see it with every field the client filters on', async () => {
    const all = await client.getAllInstances(SERVICE);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      ip: FIRST.ip,
      port: FIRST.port,
      healthy: true,
      enabled: true,
      weight: 1,
      metadata: FIRST.metadata,
      clusterName: 'DEFAULT',
      serviceName: GROUPED,
    });
    const healthy = await client.selectInstances(SERVICE);
    expect(healthy.map((h) => h.ip)).toEqual([FIRST.ip]);
    expect(await client.selectInstances(SERVICE, 'DEFAULT_GROUP', '', false)).toEqual([]);
  });

  it('subscribe: the listener fires with the list, and again when an instance joins', async () => {
    const calls: string[][] = [];
    client.subscribe({ serviceName: SERVICE }, (hosts) => calls.push(hosts.map((h) => h.ip).sort()));
    await eventually(async () => (calls.length > 0 ? true : undefined), 5000, 'the first listener call');
    expect(calls[0]).toEqual([FIRST.ip]);

    await client.registerInstance(SERVICE, SECOND);
    await eventually(
      async () => (calls.some((c) => c.length === 2) ? true : undefined),
      15_000,
      'the listener to see the second instance',
    );
    expect(calls.find((c) => c.length === 2)).toEqual([FIRST.ip, SECOND.ip]);
  });

  it('beats arrive (the first about 10 s in), then at the clientBeatInterval from the metadata (1 s)', async () => {
    const first = await eventually(
      async () => {
        const beat = await lastBeatOf(FIRST.ip);
        return beat !== undefined && beat > registeredBeat ? beat : undefined;
      },
      15_000,
      'the first beat',
    );
    const second = await eventually(
      async () => {
        const beat = await lastBeatOf(FIRST.ip);
        return beat !== undefined && beat > first ? beat : undefined;
      },
      3000,
      'the second beat',
    );
    expect(second - first).toBeGreaterThanOrEqual(900);
    expect(second - first).toBeLessThan(2500);
  });

  it('deregisterInstance removes it, and no later beat brings it back', async () => {
    await client.deregisterInstance(SERVICE, FIRST);
    expect((await catalog()).map((i) => i.ip)).toEqual([SECOND.ip]);
    // Two of the instance's 1 s beat periods: the client must have stopped beating it.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await catalog()).map((i) => i.ip)).toEqual([SECOND.ip]);
    const hosts = await client.getAllInstances(SERVICE, 'DEFAULT_GROUP', '', false);
    expect(hosts.map((h) => h.ip)).toEqual([SECOND.ip]);
  });

  it('the client reported no error and no warning', () => {
    expect(problems).toEqual([]);
  });
});
