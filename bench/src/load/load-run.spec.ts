import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad, type LoadJob } from './load-run.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A beat server whose answers can be held back, to see what the generator makes of a stall. */
async function startServer(delayFor: (n: number) => number, status = () => 200): Promise<number> {
  let n = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const reply = () => res.writeHead(status(), { 'content-type': 'application/json' }).end('{"code":10200}');
      const delay = delayFor(n++);
      if (delay > 0) setTimeout(reply, delay);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server!.address() as AddressInfo).port;
}

const job = (port: number, overrides: Partial<LoadJob>): LoadJob => ({
  host: '127.0.0.1',
  port,
  workload: { kind: 'beat', set: { count: 100, perService: 10, shapes: ['java', 'node'] } },
  mode: 'open',
  rate: 400,
  connections: 4,
  warmupMs: 200,
  durationMs: 1000,
  drainMs: 2000,
  expectBody: '"code":10200',
  ...overrides,
});

describe('runLoad', () => {
  it('open loop: sends exactly rate x duration requests in the window, all answered', async () => {
    const port = await startServer(() => 0);
    const phases: string[] = [];
    const r = await runLoad(job(port, {}), (p) => phases.push(p));
    expect(phases).toEqual(['measure-start', 'measure-end']);
    expect(r.measured).toBe(400);
    expect(r.ok).toBe(400);
    expect(r.throughput).toBe(400);
    expect(r.overloaded).toBe(false);
    expect(r.nextIndex).toBe(480);
  });

  it('open loop: a stall counts for every request scheduled during it (no coordinated omission)', async () => {
    // Two connections; the answers to requests 100 and 101 (in the window) are held for 400 ms.
    const port = await startServer((n) => (n === 100 || n === 101 ? 400 : 0));
    const r = await runLoad(job(port, { connections: 2 }));
    expect(r.ok).toBe(400);
    // Both connections were blocked, so about 0.4 s x 400/s = 160 requests waited behind them:
    // a closed-loop tool would have seen two slow requests; this sees a long tail.
    expect(r.latency.max).toBeGreaterThanOrEqual(390);
    expect(r.latency.p90).toBeGreaterThan(20);
    expect(r.latency.p50).toBeLessThan(r.latency.p90);
  });

  it('open loop: declares overload and stops when the backlog passes its bound', async () => {
    const port = await startServer(() => 1000);
    const r = await runLoad(job(port, { connections: 1, maxBacklog: 20, drainMs: 1500 }));
    expect(r.overloaded).toBe(true);
    expect(r.failures.incomplete).toBeGreaterThan(300);
  });

  it('closed loop and once: count bad statuses and bodies as failures', async () => {
    const port = await startServer(
      () => 0,
      () => 503,
    );
    const closed = await runLoad(job(port, { mode: 'closed', durationMs: 300, warmupMs: 0 }));
    expect(closed.ok).toBe(0);
    expect(closed.failures.status['503']).toBe(closed.measured);
    expect(closed.sampleFailure).toContain('10200');
    const once = await runLoad(job(port, { mode: 'once', count: 50, okStatuses: [503], expectBody: 'nope' }));
    expect(once.measured).toBe(50);
    expect(once.failures.unexpectedBody).toBe(50);
  });
});
