import { readFileSync } from 'node:fs';

/**
 * A beat's server CPU by step, from a .cpuprofile of a server under beat load (`pnpm bench --only=2
 * --profile` for Beacon, `node --cpu-prof` for bench/src/servers/raw-beat-server.ts): each sample's
 * self time goes to the first step whose rule matches its function and file, idle excluded, and so
 * is the inspector's `dispatch` (the bench's in-process profiler serializing its profile). Given
 * the run's CPU per beat, the shares become µs. docs/performance.md, "The beat before Fastify".
 * Usage: node bench/dist/report/beat-steps.js <file.cpuprofile> [µs per beat]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

type Rule = readonly [step: string, matches: (fn: string, url: string) => boolean];

const RULES: readonly Rule[] = [
  ['kernel: writing the reply (writev)', (fn) => fn === 'writev' || fn === 'writeUtf8String' || fn === 'writeBuffer'],
  ['GC', (fn) => fn === '(garbage collector)'],
  ['event loop, epoll, libuv, other native', (_fn, url) => url === ''],
  [
    'Fastify: routing, request and reply, hooks, body parser',
    (_fn, url) =>
      /\/(fastify|find-my-way|avvio|toad-cache|fast-querystring|@fastify\/middie|light-my-request|fast-content-type-parse)\//.test(
        url,
      ),
  ],
  ['Nest adapter hooks', (_fn, url) => url.includes('/@nestjs/')],
  [
    'node:http parsing (llhttp callbacks, IncomingMessage)',
    (fn, url) =>
      /node:(_http_incoming|_http_common)$/.test(url) ||
      (url === 'node:_http_server' && /parserOn|IncomingMessage|onParser/.test(fn)),
  ],
  ['node:http reply (headers, writeHead, end)', (_fn, url) => /^node:(_http_outgoing|_http_server)$/.test(url)],
  [
    'node streams, events, ticks, timers',
    (_fn, url) =>
      /^node:(internal\/streams|events|internal\/process\/task_queues|internal\/stream_base_commons|net|internal\/timers|timers|async_hooks|internal\/async_hooks)/.test(
        url,
      ),
  ],
  [
    'query string and form body decoding',
    (fn, url) => /http\/query-string\.js|node:querystring|node:internal\/url/.test(url) || fn === 'decodeURIComponent',
  ],
  ['raw: its handler (URLSearchParams, beat JSON, a Map)', (_fn, url) => url.includes('raw-beat-server')],
  [
    'parameters into a BeatCommand, beat JSON checked',
    (_fn, url) =>
      /\/(param-reader|nacos-params|nacos-names|request-context)\.js$/.test(url) ||
      /packages\/core\/dist\/(metadata|names|limits|validation)/.test(url),
  ],
  ['auth guard (policy; with auth on token cache and permission)', (_fn, url) => /\/dist\/auth\//.test(url)],
  ['core: BeatProcessor (find the instance, stamp, health)', (_fn, url) => url.includes('/packages/core/')],
  [
    'status filter, body reader, the answer and its JSON',
    (_fn, url) =>
      /\/(beat-fast-path|before-fastify|http-answer|request-body|beat\.route|traffic-filter|form-body|graceful-close|connection-guard|error-filter)\.js$/.test(
        url,
      ) || /\/dist\/(application|state-backend)\//.test(url),
  ],
  ['node library, other', () => true],
];

/** Each step's share of the busy samples (0..1), in the order of RULES, steps without samples left out. */
export function beatSteps(profile: CpuProfile): { step: string; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const steps = new Map<string, number>(RULES.map(([step]) => [step, 0]));
  let busy = 0;
  for (const [id, time] of self) {
    const { functionName, url } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || (functionName === 'dispatch' && url === '')) continue;
    busy += time;
    const [step] = RULES.find(([, matches]) => matches(functionName, url))!;
    steps.set(step, steps.get(step)! + time);
  }
  return [...steps]
    .filter(([, time]) => time > 0)
    .map(([step, time]) => ({ step, share: busy === 0 ? 0 : time / busy }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: beat-steps <file.cpuprofile> [µs per beat]');
    process.exit(2);
  }
  const usPerBeat = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
  for (const { step, share } of beatSteps(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile)) {
    const us = usPerBeat === undefined ? '' : `  ${(share * usPerBeat).toFixed(1).padStart(5)} µs`;
    console.log(`${(share * 100).toFixed(1).padStart(5)}%${us}  ${step}`);
  }
}
