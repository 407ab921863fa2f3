/** Command-line options of `pnpm bench`. */
export interface BenchOptions {
  mode: 'full' | 'quick' | 'smoke';
  /** Scenario ids to run (1..6 and `capacity`); all when empty. */
  only: string[];
  outDir: string | undefined;
  /** Pin the server to CPU 0 and the load generator to CPU 1. */
  pin: boolean;
  /** Take a CPU profile of the server during the saturation run of scenario 2. */
  profile: boolean;
  /** Rewrite docs/performance.md from this run (default: full runs of every scenario only). */
  publish: boolean | undefined;
  label: string | undefined;
  /** Another build of the server to measure (A/B comparisons): path to its main.js. */
  server: string | undefined;
  /** Scenario 7's size instead of the mode's: connections and instances per connection. */
  grpc: { connections: number; perConnection: number } | undefined;
}

export const USAGE = `usage: pnpm bench [--quick | --smoke] [--only=1,2,capacity] [--no-pin] [--profile]
                  [--publish | --no-publish] [--label=<text>] [--out=<dir>] [--server=<main.js>]
                  [--grpc=<connections>x<instances each>]

  --quick       every scenario with small N and short windows (under two minutes)
  --smoke       a few seconds per scenario: checks the harness, not the server
  --only        scenarios: 1 beats, 2 raw limit, capacity, 3 register/list, 4 push, 5 expiry, 6 memory,
                7 gRPC connections, watch (change cost with a watch stream open),
                churn (beats under churn with watch, UDP and gRPC subscribers, auth on),
                cluster (Redis + PostgreSQL: needs redis-server and postgresql 15)
  --no-pin      do not pin server and load generator to separate cores
  --profile     CPU profile (.cpuprofile) of Beacon during the saturation run, into the results dir
  --publish     regenerate docs/performance.md from this run (full runs without --only do by default)
  --label       a name for this run, kept in the results (before/after comparisons)
  --server      the main.js of another server build to measure instead (A/B comparisons)
  --grpc        size of scenario 7, e.g. --grpc=10000x100 (default: 1000x100; --quick 200x100)`;

export function parseOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = {
    mode: 'full',
    only: [],
    outDir: undefined,
    pin: true,
    profile: false,
    publish: undefined,
    label: undefined,
    server: undefined,
    grpc: undefined,
  };
  for (const arg of argv) {
    const [flag, value] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, ''];
    switch (flag) {
      case '--quick':
        options.mode = 'quick';
        break;
      case '--smoke':
        options.mode = 'smoke';
        break;
      case '--only':
        options.only = value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--out':
        options.outDir = value;
        break;
      case '--no-pin':
        options.pin = false;
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--publish':
        options.publish = true;
        break;
      case '--no-publish':
        options.publish = false;
        break;
      case '--label':
        options.label = value;
        break;
      case '--server':
        options.server = value;
        break;
      case '--grpc': {
        const match = /^(\d+)x(\d+)$/.exec(value);
        if (!match) throw new UsageError(`--grpc wants <connections>x<instances>, got '${value}'\n${USAGE}`);
        options.grpc = { connections: Number(match[1]), perConnection: Number(match[2]) };
        break;
      }
      case '--help':
      case '-h':
        throw new UsageError(USAGE);
      default:
        throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    }
  }
  return options;
}

export class UsageError extends Error {}
