import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_MAIN, REPO_ROOT } from './paths.js';

let checked = false;

/**
 * Tests run `dist`; a stale build would test old code, so refuse to run it. `tsc -b` refreshes
 * `tsconfig.tsbuildinfo` whenever it has looked at newer sources, so compare with that.
 */
export function assertBuildIsFresh(): void {
  if (checked) return;
  if (!existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing: run \`pnpm build\` first`);
  const stale: string[] = [];
  for (const pkg of ['core', 'server']) {
    const root = join(REPO_ROOT, 'packages', pkg);
    const buildInfo = join(root, 'tsconfig.tsbuildinfo');
    const builtAt = existsSync(buildInfo) ? statSync(buildInfo).mtimeMs : 0;
    for (const source of listSources(join(root, 'src'))) if (statSync(source).mtimeMs > builtAt) stale.push(source);
  }
  if (stale.length > 0) {
    throw new Error(`the build is older than the sources (run \`pnpm build\`): ${stale.slice(0, 5).join(', ')}`);
  }
  checked = true;
}

function listSources(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listSources(path));
    else if (/\.ts$/.test(entry.name) && !/\.(d|spec|int-spec)\.ts$/.test(entry.name)) files.push(path);
  }
  return files;
}
