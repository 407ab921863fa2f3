import { resolve } from 'node:path';
import { LoadGenerator } from '../load/load-generator.js';
import type { InstanceSet } from '../load/workload.js';
import { canPin } from '../process/node-process.js';
import { BEAT_OK_BODY, registerInstances } from '../scenarios/common.js';
import { measureLoad } from '../scenarios/measure.js';
import { BeaconServer } from '../servers/beacon-server.js';
import { RawServer } from '../servers/raw-server.js';

/**
 * A/B of two server builds on the beat path over real HTTP. Both builds run AT THE SAME TIME,
 * pinned to the same core, each saturated by its own closed-loop generator on the other core.
 * Whatever else the machine is doing then slows both alike, and the scheduler gives them equal
 * CPU time, so the server CPU time per beat of each is a fair comparison on a busy machine where
 * back-to-back runs are not. Usage:
 *   node bench/dist/tools/beat-ab.js <main.js A> <main.js B> [rounds=3] [seconds=10] [connections=32]
 * `raw` in place of a main.js is the raw node:http baseline server.
 */
async function main(): Promise<void> {
  const [a, b] = [process.argv[2], process.argv[3]];
  if (!a || !b) throw new Error('usage: beat-ab <main.js A> <main.js B> [rounds] [seconds] [connections]');
  const rounds = Number(process.argv[4] ?? 3);
  const seconds = Number(process.argv[5] ?? 10);
  const connections = Number(process.argv[6] ?? 32);
  const set: InstanceSet = { count: 10_000, perService: 100, shapes: ['java', 'node'] };
  const pin = canPin();
  const generators = [await LoadGenerator.start(pin ? 1 : undefined), await LoadGenerator.start(pin ? 1 : undefined)];
  const samples: Record<'A' | 'B', number[]> = { A: [], B: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      const start = (main: string) =>
        main === 'raw'
          ? RawServer.start(pin ? 0 : undefined)
          : BeaconServer.start({ cpu: pin ? 0 : undefined, main: resolve(main) });
      const servers = [await start(a), await start(b)];
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
                workload: { kind: 'beat', set },
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
          const name = i === 0 ? 'A' : 'B';
          samples[name].push(m.server.cpuUsPerRequest);
          console.log(
            `${name}: ${m.server.cpuUsPerRequest.toFixed(1)} µs/beat, ${m.load.throughput.toFixed(0)} beats/s, CPU ${m.server.cpuPercent.toFixed(0)}%`,
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
  console.log(`median server CPU per beat: A ${median(samples.A).toFixed(1)} µs, B ${median(samples.B).toFixed(1)} µs`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
