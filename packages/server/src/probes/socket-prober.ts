import { request } from 'node:http';
import { connect, isIP, type LookupFunction } from 'node:net';
import { Logger } from '@nestjs/common';
import {
  checkerHeaderPairs,
  isForbiddenCheckerHeader,
  type Prober,
  type ProbeResult,
  type ProbeTarget,
} from '@beacon/core';
import type { ProbeTargetPolicy } from './probe-target-policy.js';

const TIMEOUT_MS = 500;
/** A refused target is reported at most this often, not at every probe (twice a second). */
const REFUSAL_LOG_INTERVAL_MS = 60_000;

/**
 * Active checks with Nacos's semantics: 500 ms budget, refused connections fail at once. Every
 * target passes the policy first (allow/deny lists, host names resolved once); a refused target is
 * never contacted and counts as failing.
 */
export class SocketProber implements Prober {
  private readonly logger = new Logger('HealthCheck');
  private readonly refusalsLogged = new Map<string, number>();

  constructor(private readonly policy: ProbeTargetPolicy) {}

  async probe(target: ProbeTarget): Promise<ProbeResult> {
    if (target.checker.type !== 'TCP' && target.checker.type !== 'HTTP') return { outcome: 'ok', rtMs: 0 };
    const resolved = await this.policy.resolve(target.ip);
    if (!resolved.ok) {
      this.logRefusal(target.ip, resolved.reason);
      return { outcome: 'fail-now', rtMs: 0 };
    }
    // Connect to the address just checked, whatever a second DNS lookup would say now.
    const lookup = pinnedLookup(resolved.address);
    if (target.checker.type === 'TCP') return tcpProbe(target.ip, target.port, lookup);
    return httpProbe(target.ip, target.port, target.checker.path, target.checker.headers, lookup);
  }

  private logRefusal(host: string, reason: string): void {
    const now = Date.now();
    if ((this.refusalsLogged.get(host) ?? 0) > now - REFUSAL_LOG_INTERVAL_MS) return;
    if (this.refusalsLogged.size > 1000) this.refusalsLogged.clear();
    this.refusalsLogged.set(host, now);
    this.logger.warn(`health check of ${host} not sent: ${reason}`);
  }
}

function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address);
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function tcpProbe(host: string, port: number, lookup: LookupFunction): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host, port, lookup });
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

function httpProbe(
  host: string,
  port: number,
  path: string,
  rawHeaders: string,
  lookup: LookupFunction,
): Promise<ProbeResult> {
  const started = performance.now();
  const headers: Record<string, string> = { 'User-Agent': 'VIPServer' };
  // Checkers stored before forbidden headers were refused at the API still never send them.
  for (const [name, value] of checkerHeaderPairs(rawHeaders))
    if (!isForbiddenCheckerHeader(name)) headers[name] = value;
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve(result);
    };
    const req = request(
      { host, port, path: path.startsWith('/') ? path : `/${path}`, method: 'GET', headers, agent: false, lookup },
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
