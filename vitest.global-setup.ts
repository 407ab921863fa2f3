import { execFileSync } from 'node:child_process';

/** Integration tests also spawn the built server: build first (a no-op when nothing changed). */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b'], { stdio: 'inherit' });
}
