/**
 * The built server as a process: every acknowledged persistent write survives `kill -9`, and
 * SIGTERM finishes in-flight requests, then exits 0 promptly.
 */
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { NacosWire, NS, encode } from '../support/nacos-wire.js';
import { makeDataDir, removeDataDir, spawnServer } from '@beacon/test-support';

const dirs: string[] = [];
function dataDir(): string {
  const dir = makeDataDir();
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDataDir(dir);
});

type Op =
  | { kind: 'instance'; service: string; port: number; metadata: Record<string, string> }
  | { kind: 'service'; service: string; threshold: number };

describe('kill -9 mid-stream', () => {
  it('every write acknowledged with 200 ok is there after a restart', async () => {
    const dir = dataDir();
    const ops: Op[] = [];
    for (let i = 0; i < 600; i++) {
      ops.push(
        i % 3 === 2
          ? { kind: 'service', service: `crash-created-${i}`, threshold: (i % 10) / 10 }
          : { kind: 'instance', service: `crash-svc-${i % 7}`, port: 20_000 + i, metadata: { i: String(i) } },
      );
    }
    const acknowledged: Op[] = [];
    let failed = 0;

    {
      await using first = await spawnServer({ dataDir: dir });
      const w = new NacosWire(first.baseUrl, 'go');
      let next = 0;
      let killed: Promise<unknown> | undefined;
      const worker = async () => {
        for (let op = ops[next++]; op !== undefined; op = ops[next++]) {
          try {
            const res =
              op.kind === 'instance'
                ? await w.post(NS + '/instance', {
                    serviceName: op.service,
                    ip: '127.0.0.1',
                    port: op.port,
                    ephemeral: 'false',
                    metadata: JSON.stringify(op.metadata),
                  })
                : await w.post(NS + '/service', { serviceName: op.service, protectThreshold: op.threshold });
            if (res.status === 200 && res.text === 'ok') acknowledged.push(op);
            else failed++;
          } catch {
            failed++; // connection refused or reset: not acknowledged
          }
          // Kill once a third is acknowledged, while the other workers still have requests in flight.
          if (killed === undefined && acknowledged.length >= ops.length / 3) killed = first.kill('SIGKILL');
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(ops.length / 3);
    expect(failed, 'the kill came mid-stream').toBeGreaterThan(0);
    expect(acknowledged.length + failed).toBe(ops.length);

    await using second = await spawnServer({ dataDir: dir });
    const w = new NacosWire(second.baseUrl, 'plain');
    const services = (await w.get(NS + '/service/list', { pageNo: 1, pageSize: 10_000 })).json<{ doms: string[] }>();
    const serviceSet = new Set(services.doms);
    const instances = new Map<string, Record<string, string>>();
    for (let s = 0; s < 7; s++) {
      const res = await w.get(NS + '/catalog/instances', {
        serviceName: `crash-svc-${s}`,
        clusterName: 'DEFAULT',
        pageNo: 1,
        pageSize: 10_000,
      });
      if (res.status !== 200) continue;
      for (const i of res.json<{ list: { port: number; metadata: Record<string, string>; ephemeral: boolean }[] }>()
        .list) {
        expect(i.ephemeral).toBe(false);
        instances.set(`crash-svc-${s}:${i.port}`, i.metadata);
      }
    }
    const missing: string[] = [];
    for (const op of acknowledged) {
      if (op.kind === 'service') {
        if (!serviceSet.has(op.service)) missing.push(op.service);
        continue;
      }
      const metadata = instances.get(`${op.service}:${op.port}`);
      if (metadata === undefined || metadata['i'] !== op.metadata['i']) missing.push(`${op.service}:${op.port}`);
    }
    expect(missing).toEqual([]);
    // The created services kept their settings, too.
    const created = acknowledged.find((op) => op.kind === 'service');
    if (created?.kind === 'service') {
      const detail = await w.get(NS + '/service', { serviceName: created.service });
      expect(detail.json<{ protectThreshold: number }>().protectThreshold).toBe(created.threshold);
    }
  });
});

describe('SIGTERM', () => {
  it('with nothing in flight: exits 0 within 3 s', async () => {
    const server = await spawnServer({ dataDir: dataDir() });
    const started = Date.now();
    expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops accepting, completes the request in flight, exits 0, and the write is durable', async () => {
    const dir = dataDir();
    const server = await spawnServer({ dataDir: dir });
    const body = encode({ serviceName: 'sigterm-svc', ip: '127.0.0.1', port: 9, ephemeral: 'false' });

    // A request whose body is still arriving when the signal comes, from a client that keeps
    // connections alive for as long as the server allows (as Go's and nginx's do).
    const agent = new Agent({ keepAlive: true });
    const req = request({
      agent,
      host: '127.0.0.1',
      port: server.port,
      method: 'POST',
      path: NS + '/instance',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) },
    });
    const response = new Promise<{ status: number | undefined; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, text }));
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 200));

    const signalledAt = Date.now();
    void server.kill('SIGTERM');
    // New connections are refused while the open request is still waiting for its body.
    const refusedBy = Date.now() + 3000;
    let refused = false;
    while (!refused && Date.now() < refusedBy) {
      try {
        await fetch(server.baseUrl + '/nacos/v1/console/health/liveness', { signal: AbortSignal.timeout(500) });
        await new Promise((r) => setTimeout(r, 25));
      } catch {
        refused = true;
      }
    }
    expect(refused, 'new connections are refused after SIGTERM').toBe(true);
    expect(server.child.exitCode, 'still running for the request in flight').toBe(null);

    req.end(body.slice(10));
    expect(await response).toEqual({ status: 200, text: 'ok' });
    const answeredAt = Date.now();
    expect(await server.exited).toEqual({ code: 0, signal: null });
    agent.destroy();
    // The kept-alive connection did not hold the exit open.
    expect(Date.now() - answeredAt).toBeLessThan(2000);
    expect(Date.now() - signalledAt).toBeLessThan(5000);

    await using again = await spawnServer({ dataDir: dir });
    const detail = await new NacosWire(again.baseUrl, 'java14').get(NS + '/instance', {
      serviceName: 'sigterm-svc',
      ip: '127.0.0.1',
      port: 9,
    });
    expect(detail.status).toBe(200);
  });
});
