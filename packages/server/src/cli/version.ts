import { readFileSync } from 'node:fs';

/** The server package's version, from its package.json (two levels up from src/cli and dist/cli). */
export function serverVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
