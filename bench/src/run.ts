import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { join, resolve } from 'node:path';
import { parseOptions, UsageError, type BenchOptions } from './options.js';
import { canPin } from './process/node-process.js';
import { machineLoad } from './process/proc-stats.js';
import { writePerformanceDoc } from './report/performance-doc.js';
import { formatTable } from './report/table.js';
import type { BenchResults, ScenarioResult } from './results.js';
import { beatThroughput } from './scenarios/beat-throughput.js';
import { capacity } from './scenarios/capacity.js';
import { churn } from './scenarios/churn.js';
import { cluster } from './scenarios/cluster.js';
import { PROFILES, type Scenario, type ScenarioContext } from './scenarios/context.js';
import { expiryCost } from './scenarios/expiry-cost.js';
import { grpcConnections } from './scenarios/grpc-connections.js';
import { memory } from './scenarios/memory.js';
import { pushLatency } from './scenarios/push-latency.js';
import { rawLimit } from './scenarios/raw-limit.js';
import { registerAndList } from './scenarios/register-list.js';
import { watchCost } from './scenarios/watch-cost.js';
import { BeaconServer, REPO_ROOT } from './servers/beacon-server.js';

/** In run order: the raw limit first, so that the capacity search can start near saturation. */
const SCENARIOS: Scenario[] = [
  rawLimit,
  beatThroughput,
  capacity,
  registerAndList,
  pushLatency,
  expiryCost,
  memory,
  grpcConnections,
  watchCost,
  churn,
  cluster,
];

export async function runBench(
  options: BenchOptions,
  argv: string[],
): Promise<{ results: BenchResults; file: string }> {
  const outDir = resolve(options.outDir ?? join(REPO_ROOT, 'bench/results'));
  mkdirSync(outDir, { recursive: true });
  const pinned = options.pin && canPin() && cpus().length >= 2;
  const started = new Date();
  const loadBefore = machineLoad();
  // The build measured is the one at the start: edits made while the bench runs do not count.
  const git = gitInfo();
  const ctx: ScenarioContext = {
    options,
    sizes: PROFILES[options.mode],
    serverCpu: pinned ? 0 : undefined,
    generatorCpu: pinned ? 1 : undefined,
    outDir,
    log: (message) => console.log(message),
    startBeacon: ({ pin = true, ...extra } = {}) =>
      BeaconServer.start({
        ...extra,
        cpu: pinned && pin ? 0 : undefined,
        main: options.server && resolve(options.server),
      }),
    shared: {},
  };
  const selected = SCENARIOS.filter((s) => options.only.length === 0 || options.only.includes(s.id));
  const scenarios: ScenarioResult[] = [];
  for (const scenario of selected) {
    console.log(`\n[${scenario.id}] ${scenario.title}`);
    const t0 = Date.now();
    try {
      scenarios.push(await scenario.run(ctx));
    } catch (error) {
      console.error(`  failed: ${error instanceof Error ? error.stack : String(error)}`);
      scenarios.push({
        id: scenario.id,
        title: scenario.title,
        status: 'failed',
        params: {},
        data: null,
        rows: [{ scenario: scenario.title, measure: 'run', value: 'failed (see error in results)', verdict: 'miss' }],
        notes: [],
        error: error instanceof Error ? error.message : String(error),
      });
    }
    console.log(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const finished = new Date();
  const results: BenchResults = {
    schema: 1,
    mode: options.mode,
    label: options.label,
    command: ['pnpm bench', ...argv].join(' '),
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: (finished.getTime() - started.getTime()) / 1000,
    git,
    machine: {
      cpuModel: cpus()[0]?.model ?? 'unknown',
      cpus: cpus().length,
      memoryGb: Math.round(totalmem() / 1024 ** 3),
      node: process.version,
      os: `${type()} ${release()}`,
      loadBefore,
      loadAfter: machineLoad(),
    },
    pinned,
    scenarios,
  };
  const stamp = started.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const slug = options.label ? '-' + options.label.replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase() : '';
  const file = join(outDir, `${stamp}-${options.mode}${slug}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  // `latest-<mode>` is the last complete run: a run of a few scenarios does not replace it.
  if (options.only.length === 0) copyFileSync(file, join(outDir, `latest-${options.mode}.json`));
  return { results, file };
}

function gitInfo(): BenchResults['git'] {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return '';
    }
  };
  return {
    commit: git('rev-parse', 'HEAD') || 'unknown',
    branch: git('rev-parse', '--abbrev-ref', 'HEAD') || 'unknown',
    dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let options: BenchOptions;
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const { results, file } = await runBench(options, argv);
  console.log(`\n${formatTable(results.scenarios.flatMap((s) => s.rows))}\n`);
  console.log(`results: ${file}`);
  // A partial run would replace the whole document with its few rows: only complete runs publish by default.
  if (options.publish ?? (options.mode === 'full' && options.only.length === 0)) {
    const doc = join(REPO_ROOT, 'docs/performance.md');
    mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
    await writePerformanceDoc(results, file, join(REPO_ROOT, 'bench/results'), doc, REPO_ROOT);
    console.log(`published: ${doc}`);
  }
  if (results.scenarios.some((s) => s.status === 'failed')) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
