import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { InProcessServer } from './in-process-server.js';
import type { RawRequest, RawResponse } from './raw-http.js';
import { dumpRegistry, seedRegistry, seedsPresent, type RegistryDump } from './registry-state.js';

/** Runs per endpoint; BEACON_PROPERTY_RUNS raises it for a long local soak. */
export const RUNS_PER_ENDPOINT = Number(process.env['BEACON_PROPERTY_RUNS'] ?? 60);

/**
 * Keeps one dump of the registry between requests: the state after request n is the state before
 * request n+1, so each request costs one dump, not two.
 */
export class StateTracker {
  private last: RegistryDump | undefined;

  constructor(private readonly server: InProcessServer) {}

  async before(): Promise<RegistryDump> {
    let dump = this.last ?? (await dumpRegistry(this.server.http));
    if (!seedsPresent(dump) || (dump.switches as { overriddenServerStatus: unknown }).overriddenServerStatus !== null) {
      await this.restore();
      dump = await dumpRegistry(this.server.http);
    }
    this.last = dump;
    return dump;
  }

  async after(): Promise<RegistryDump> {
    this.last = await dumpRegistry(this.server.http);
    return this.last;
  }

  forget(): void {
    this.last = undefined;
  }

  /** Seeds what was deleted and puts the server back UP if a request overrode its status. */
  private async restore(): Promise<void> {
    const res = await this.server.http.send({
      method: 'PUT',
      path: '/nacos/v1/ns/operator/switches?entry=overriddenServerStatus&value=null',
    });
    if (res.status !== 200) throw new Error(`could not clear the status override: ${res.status} ${res.body}`);
    await seedRegistry(this.server.http);
  }
}

export function describeRequest(req: RawRequest): string {
  const body = req.body === undefined ? '' : ` body=${JSON.stringify(clip(String(req.body), 400))}`;
  return `${req.method} ${clip(req.path, 600)} headers=${JSON.stringify(req.headers ?? {})}${body}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}...(${text.length} chars)`;
}

/**
 * The property every endpoint must keep: whatever the request, the answer is not a 5xx, the server
 * still answers, and a rejected (4xx) request changed nothing.
 */
export async function checkEndpoint(
  server: InProcessServer,
  tracker: StateTracker,
  requests: fc.Arbitrary<RawRequest>,
  numRuns = RUNS_PER_ENDPOINT,
  /** The one 5xx the contract has: the Nacos face answers an unknown API with 501 `no such api:`. */
  allowed5xx: (req: RawRequest, res: RawResponse) => boolean = () => false,
): Promise<void> {
  tracker.forget();
  const details = await fc.check(
    fc.asyncProperty(requests, async (req) => {
      const before = await tracker.before();
      let res: RawResponse;
      try {
        res = await server.http.send(req);
      } catch (error) {
        // Node's HTTP server refuses a request head over 16 KiB (431) and closes the connection
        // while the client is still writing, which the client sees as a reset. That is a refusal.
        if (!(req.path.length > MAX_HEAD_BYTES && isReset(error))) {
          throw new Error(`no answer to ${describeRequest(req)}: ${String(error)}`, { cause: error });
        }
        res = { status: 431, body: '(connection closed)', headers: {} };
      }
      if (res.status >= 500 && !allowed5xx(req, res)) {
        throw new Error(`${res.status} for ${describeRequest(req)}: ${res.body.slice(0, 500)}`);
      }
      const after = await tracker.after(); // also proves the server still answers
      if (res.status >= 400 && !isDeepStrictEqual(before, after)) {
        throw new Error(
          `${res.status} (${res.body.slice(0, 200)}) but the state changed, for ${describeRequest(req)}\n` +
            differences(before, after).slice(0, 10).join('\n'),
        );
      }
    }),
    { numRuns, ...(process.env['BEACON_PROPERTY_SEED'] ? { seed: Number(process.env['BEACON_PROPERTY_SEED']) } : {}) },
  );
  if (details.failed) {
    // fast-check's own report prints the whole counterexample, megabytes for long values.
    const [req] = details.counterexample ?? [];
    throw new Error(
      `property failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}"; ` +
        `rerun with BEACON_PROPERTY_SEED=${details.seed})\n` +
        `request: ${req ? describeRequest(req) : '?'}\n${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`,
    );
  }
}

/** Paths where two JSON values differ, with both sides, for a readable failure. */
function differences(a: unknown, b: unknown, path = '$'): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (
    a !== null &&
    b !== null &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    Array.isArray(a) === Array.isArray(b)
  ) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) =>
      differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`),
    );
  }
  return [`${path}: ${clip(JSON.stringify(a) ?? 'undefined', 300)} -> ${clip(JSON.stringify(b) ?? 'undefined', 300)}`];
}

const MAX_HEAD_BYTES = 16 * 1024;

function isReset(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}
