import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@beacon/test-support';

// CI is a fresh machine: .ci/run gives the README's install and test command empty caches, so a step
// that needs a warm pnpm store, pnpm cache or npm cache fails there and not for a user.

const ciRun = readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8');
const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** The README's test command: the line after "# 2. Run every test" in its first block. */
function readmeTestCommand(): string {
  const match = /^# 2\. Run every test.*\n(.+)$/m.exec(readme);
  if (!match) throw new Error('README.md has no "# 2. Run every test" line');
  return match[1]!.trim();
}

describe('.ci/run', () => {
  const lines = ciRun.split('\n').map((line) => line.trim());

  it("runs the README's test command, exactly, as its last step", () => {
    const commands = lines.filter((line) => line && !line.startsWith('#'));
    expect(commands.at(-1)).toBe(readmeTestCommand());
    expect(readmeTestCommand()).toContain('install --frozen-lockfile');
  });

  it('runs it with an empty, temporary pnpm store, pnpm cache and npm cache', () => {
    const before = ciRun.slice(0, ciRun.lastIndexOf(readmeTestCommand()));
    const fresh = /^(\w+)=\$\(mktemp -d\b/m.exec(before)?.[1];
    expect(fresh, 'a temporary directory made with mktemp -d').toBeDefined();
    // pnpm 10 keeps its store in $XDG_DATA_HOME/pnpm/store and its metadata in $XDG_CACHE_HOME/pnpm.
    for (const variable of ['XDG_DATA_HOME', 'XDG_CACHE_HOME', 'npm_config_cache']) {
      expect(before, variable).toMatch(new RegExp(`export\\b[^\\n]*(\\\\\\n[^\\n]*)*\\b${variable}="\\$${fresh}/`));
    }
    expect(before).toContain(`rm -rf "$${fresh}"`);
  });
});
