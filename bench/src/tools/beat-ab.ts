import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { LoadGenerator } from '../load/load-generator.js';
import type { InstanceSet } from '../load/workload.js';
import { canPin } from '../process/node-process.js';
import { machineLoad } from '../process/proc-stats.js';
import { BEAT_OK_BODY, registerInstances, tokenOf } from '../scenarios/common.js';
import { measureLoad } from '../scenarios/measure.js';
import { BeaconServer, REPO_ROOT } from '../servers/beacon-server.js';
import { RawServer } from '../servers/raw-server.js';

/**
 * A/B of two server builds on the beat path over real HTTP. Both run AT THE SAME TIME, pinned to
 * the same core, each saturated by its own closed-loop generator on the other core. Whatever else
 * the machine is doing then slows both alike, and the scheduler gives them equal CPU time, so the
 * server CPU time per beat of each is a fair comparison on a busy machine, where back-to-back
 * saturation runs are not (an A/A run agrees within about 2%). Writes bench/results/ab-*.json,
 * which docs/performance.md lists under "Before and after". Usage:
 *   node bench/dist/tools/beat-ab.js --a=<main.js|raw> --b=<main.js|raw> --label=<change>
 *        [--a-name=<text>] [--b-name=<text>] [--a-auth=on] [--b-auth=on] [--rounds=3] [--seconds=10]
 *        [--connections=32] [--a-env=NAME=value,...] [--b-env=NAME=value,...]
 * `--x-auth=on` starts that side with auth on (Beacon's default) and beats with a user's accessToken;
 * `--x-env` adds environment variables to that side's server (e.g. BEACON_BEAT_FAST_PATH=off).
 */
export interface AbResult {
  schema: 'ab/1';
  label: string;
  date: string;
  command: string;
  machine: { cpus: number; cpuModel: string; loadBefore: number[]; loadAfter: number[] };
  method: string;
  a: AbSide;
  b: AbSide;
}

interface AbSide {
  name: string;
  build: string;
  auth?: boolean;
  env?: Record<string, string>;
  cpuUsPerBeat: number[];
  beatsPerSecond: number[];
  medianCpuUsPerBeat: number;
}

function flags(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of argv) {
    const m = /^--([^=]+)=(.*)$/.exec(arg);
    if (!m) throw new Error(`unexpected argument ${arg}`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

/** `NAME=value,NAME=value` as an environment. */
function envOf(flag: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of (flag ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`expected NAME=value, got ${pair}`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

async function main(): Promise<void> {
  const f = flags(process.argv.slice(2));
  const [a, b, label] = [f['a'], f['b'], f['label']];
  if (!a || !b || !label) throw new Error('usage: beat-ab --a=<main.js|raw> --b=<main.js|raw> --label=<change>');
  const rounds = Number(f['rounds'] ?? 3);
  const seconds = Number(f['seconds'] ?? 10);
  const connections = Number(f['connections'] ?? 32);
  const builds = [a, b] as const;
  const auth = [f['a-auth'] === 'on', f['b-auth'] === 'on'] as const;
  const env: readonly Record<string, string>[] = [envOf(f['a-env']), envOf(f['b-env'])];
  const set: InstanceSet = { count: 10_000, perService: 100, shapes: ['java', 'node'] };
  const pin = canPin();
  const loadBefore = machineLoad();
  const generators = [await LoadGenerator.start(pin ? 1 : undefined), await LoadGenerator.start(pin ? 1 : undefined)];
  const cpu: number[][] = [[], []];
  const rate: number[][] = [[], []];
  try {
    for (let round = 0; round < rounds; round++) {
      const start = (i: 0 | 1) =>
        builds[i] === 'raw'
          ? RawServer.start(pin ? 0 : undefined)
          : BeaconServer.start({ cpu: pin ? 0 : undefined, main: resolve(builds[i]), auth: auth[i], env: env[i] });
      const servers = [await start(0), await start(1)];
      try {
        await Promise.all(
          servers.map((server, i) =>
            server instanceof BeaconServer ? registerInstances(generators[i]!, server, set, 32) : undefined,
          ),
        );
        const results = await Promise.all(
          servers.map((server, i) =>
            measureLoad(
              generators[i]!,
              {
                host: '127.0.0.1',
                port: server.port,
                workload: { kind: 'beat', set, ...(server instanceof BeaconServer ? tokenOf(server) : {}) },
                mode: 'closed',
                connections,
                warmupMs: 2000,
                durationMs: seconds * 1000,
                drainMs: 3000,
                expectBody: BEAT_OK_BODY,
              },
              server,
            ),
          ),
        );
        results.forEach((m, i) => {
          cpu[i]!.push(m.server.cpuUsPerRequest);
          rate[i]!.push(m.load.throughput);
          console.log(
            `${i === 0 ? 'A' : 'B'}: ${m.server.cpuUsPerRequest.toFixed(1)} µs/beat, ${m.load.throughput.toFixed(0)} beats/s, CPU ${m.server.cpuPercent.toFixed(0)}%`,
          );
        });
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
      }
    }
  } finally {
    await Promise.all(generators.map((g) => g.close()));
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const side = (i: number): AbSide => ({
    name: f[i === 0 ? 'a-name' : 'b-name'] ?? builds[i]!,
    build: builds[i]!,
    ...(auth[i] ? { auth: true } : {}),
    ...(Object.keys(env[i]!).length > 0 ? { env: env[i]! } : {}),
    cpuUsPerBeat: cpu[i]!,
    beatsPerSecond: rate[i]!,
    medianCpuUsPerBeat: median(cpu[i]!),
  });
  const result: AbResult = {
    schema: 'ab/1',
    label,
    date: new Date().toISOString(),
    command: ['node bench/dist/tools/beat-ab.js', ...process.argv.slice(2)].join(' '),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadBefore, loadAfter: machineLoad() },
    method: `both builds at once on one pinned core, each saturated closed-loop by ${connections} connections from its own generator; ${rounds} rounds of ${seconds} s; 10k instances, half Java half Node full beats`,
    a: side(0),
    b: side(1),
  };
  console.log(
    `median server CPU per beat: A ${result.a.medianCpuUsPerBeat.toFixed(1)} µs, B ${result.b.medianCpuUsPerBeat.toFixed(1)} µs ` +
      `(B/A ${(result.b.medianCpuUsPerBeat / result.a.medianCpuUsPerBeat).toFixed(2)})`,
  );
  const dir = resolve(f['out'] ?? join(REPO_ROOT, 'bench/results'));
  mkdirSync(dir, { recursive: true });
  const file = join(
    dir,
    `ab-${result.date.replace(/[:.]/g, '-').slice(0, 19)}-${label.replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase()}.json`,
  );
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`results: ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
