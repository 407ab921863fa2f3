import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SDK_VERSION } from './naming/version.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Every module reachable from `file` through relative imports, with its non-relative imports. */
function importGraph(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1]!,
  );
  const bare: string[] = [];
  seen.set(file, bare);
  for (const s of specifiers) {
    if (s.startsWith('.')) importGraph(resolve(dirname(file), s.replace(/\.js$/, '.ts')), seen);
    else bare.push(s);
  }
  return seen;
}

describe('@beacon/sdk package', () => {
  it('keeps the admin entry browser-safe: no Node module and nothing of the naming client reachable from it', () => {
    const graph = importGraph(join(here, 'admin/index.ts'));
    const files = [...graph.keys()].map((f) => f.slice(here.length + 1));
    expect(files).toEqual(expect.arrayContaining(['admin/index.ts', 'admin/watch.ts', 'admin/admin-client.ts']));
    expect(files.every((f) => f.startsWith('admin/'))).toBe(true);
    expect([...graph.values()].flat()).toEqual([]);
    // And no Node global either.
    for (const f of graph.keys()) {
      expect(readFileSync(f, 'utf8')).not.toMatch(/\b(process\.|Buffer\b|require\(|setImmediate)/);
    }
  });

  it('has no runtime dependency (it is published on its own) and only Node built-ins in the naming client', () => {
    const pkg = JSON.parse(readFileSync(join(here, '../package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg['dependencies']).toBeUndefined();
    const graph = importGraph(join(here, 'index.ts'));
    const external = new Set([...graph.values()].flat());
    for (const name of external) expect(name).toMatch(/^node:/);
    const naming = readdirSync(join(here, 'naming')).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
    // The whole naming client is reachable from the entry (so the graph above saw its imports).
    for (const f of naming) expect(graph.has(join(here, 'naming', f))).toBe(true);
    expect(external).toContain('node:dgram');
  });

  it('keeps the testing aids out of the main entry and exports them from @beacon/sdk/testing', () => {
    const main = [...importGraph(join(here, 'index.ts')).keys()].map((f) => f.slice(here.length + 1));
    expect(main.filter((f) => f.startsWith('testing/'))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(here, '../package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    expect(pkg.exports['./testing']).toEqual({
      types: './dist/testing/index.d.ts',
      default: './dist/testing/index.js',
    });
    expect(readFileSync(join(here, 'testing/index.ts'), 'utf8')).toContain('FakeClock');
  });

  it('reports the version of package.json', () => {
    const pkg = JSON.parse(readFileSync(join(here, '../package.json'), 'utf8')) as { version: string };
    expect(SDK_VERSION).toBe(pkg.version);
  });
});
