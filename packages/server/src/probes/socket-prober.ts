import { request } from 'node:http';
import { connect } from 'node:net';
import type { Prober, ProbeResult, ProbeTarget } from '@beacon/core';

const TIMEOUT_MS = 500;

/** Active checks with Nacos's semantics: 500 ms budget, refused connections fail at once. */
export class SocketProber implements Prober {
  probe(target: ProbeTarget): Promise<ProbeResult> {
    switch (target.checker.type) {
      case 'TCP':
        return tcpProbe(target.ip, target.port);
      case 'HTTP':
        return httpProbe(target.ip, target.port, target.checker.path, target.checker.headers);
      default:
        return Promise.resolve({ outcome: 'ok', rtMs: 0 });
    }
  }
}

function tcpProbe(host: string, port: number): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: ProbeResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(TIMEOUT_MS, () =>
      done({
        outcome: 'fail',
        rtMs: TIMEOUT_MS,
        timedOut: true,
        reason: `TCP connect timed out after ${TIMEOUT_MS} ms`,
      }),
    );
    socket.once('connect', () => done({ outcome: 'ok', rtMs: performance.now() - started }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({
        outcome: error.code === 'ECONNREFUSED' ? 'fail-now' : 'fail',
        rtMs: performance.now() - started,
        reason: error.code === 'ECONNREFUSED' ? 'connection refused' : `TCP error ${error.code ?? error.message}`,
      }),
    );
  });
}

function httpProbe(host: string, port: number, path: string, rawHeaders: string): Promise<ProbeResult> {
  const started = performance.now();
  const headers: Record<string, string> = { 'User-Agent': 'VIPServer' };
  for (const pair of rawHeaders.split('|')) {
    const colon = pair.indexOf(':');
    if (colon > 0) headers[pair.slice(0, colon).trim()] = pair.slice(colon + 1).trim();
  }
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve(result);
    };
    const req = request(
      { host, port, path: path.startsWith('/') ? path : `/${path}`, method: 'GET', headers, agent: false },
      (res) => {
        res.resume();
        const rtMs = performance.now() - started;
        const code = res.statusCode ?? 0;
        // Nacos 1.4: only 200 is OK; 503 and 302 are soft failures; anything else fails at once.
        if (code === 200) done({ outcome: 'ok', rtMs });
        else if (code === 503 || code === 302) done({ outcome: 'fail', rtMs, reason: `HTTP ${code}` });
        else done({ outcome: 'fail-now', rtMs, reason: `HTTP ${code}` });
      },
    );
    req.setTimeout(TIMEOUT_MS, () =>
      done({
        outcome: 'fail',
        rtMs: TIMEOUT_MS,
        timedOut: true,
        reason: `HTTP check timed out after ${TIMEOUT_MS} ms`,
      }),
    );
    req.once('error', (error: NodeJS.ErrnoException) =>
      done({
        outcome: 'fail-now',
        rtMs: performance.now() - started,
        reason: error.code === 'ECONNREFUSED' ? 'connection refused' : `HTTP error ${error.code ?? error.message}`,
      }),
    );
    req.end();
  });
}
