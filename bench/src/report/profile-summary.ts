import { readFileSync } from 'node:fs';

/**
 * Summarises a .cpuprofile (from `pnpm bench --profile` or node --cpu-prof): the functions with
 * the most self time, and the share of time under chosen frames (by file), which tells whether
 * the framework, the parsing or the registry is the cost. Usage:
 *   node bench/dist/report/profile-summary.js <file.cpuprofile> [top=25]
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  hitCount?: number;
}

interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

export function summarise(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfTime = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...selfTime.values()].reduce((a, b) => a + b, 0);
  const label = (n: Node) => {
    const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
    const short = url.replace(/.*\/(packages|bench)\//, '$1/');
    return `${n.callFrame.functionName || '(anonymous)'} ${short}:${n.callFrame.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  for (const [id, t] of selfTime) {
    const key = label(byId.get(id)!);
    self.set(key, (self.get(key) ?? 0) + t);
  }
  // Self time grouped by package: where does the time go.
  const groups = new Map<string, number>();
  for (const [id, t] of selfTime) {
    const n = byId.get(id)!;
    const url = n.callFrame.url;
    const group = url.includes('/@nestjs/')
      ? 'nestjs'
      : url.includes('/fastify') ||
          url.includes('/find-my-way') ||
          url.includes('/avvio') ||
          url.includes('/light-my-request')
        ? 'fastify'
        : url.includes('/packages/core/')
          ? 'beacon core'
          : url.includes('/packages/server/')
            ? 'beacon server'
            : url.includes('node_modules')
              ? 'other deps'
              : url.startsWith('node:')
                ? 'node lib'
                : n.callFrame.functionName === '(garbage collector)'
                  ? 'gc'
                  : n.callFrame.functionName === '(idle)'
                    ? 'idle'
                    : n.callFrame.functionName === '(program)'
                      ? 'program (native, syscalls)'
                      : 'other';
    groups.set(group, (groups.get(group) ?? 0) + t);
  }
  const pct = (t: number) => ((t / total) * 100).toFixed(1).padStart(5) + '%';
  const lines = [`total ${(total / 1000).toFixed(0)} ms sampled`, '', 'by package (self time):'];
  for (const [g, t] of [...groups].sort((a, b) => b[1] - a[1])) lines.push(`  ${pct(t)}  ${g}`);
  lines.push('', `top ${top} functions (self time):`);
  for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(t)}  ${k}`);
  // Inclusive time: a function's own time plus everything it called (once per stack).
  const inclusive = new Map<string, number>();
  const walk = (id: number, onStack: Set<string>): number => {
    const n = byId.get(id)!;
    let t = selfTime.get(id) ?? 0;
    const key = label(n);
    const fresh = !onStack.has(key);
    if (fresh) onStack.add(key);
    for (const c of n.children ?? []) t += walk(c, onStack);
    if (fresh) {
      onStack.delete(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + t);
    }
    return t;
  };
  walk(profile.nodes[0]!.id, new Set());
  lines.push('', `top ${top} functions (inclusive time, idle excluded from the base):`);
  const busy = total - (groups.get('idle') ?? 0);
  for (const [k, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`  ${((t / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: profile-summary <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 25)));
}
