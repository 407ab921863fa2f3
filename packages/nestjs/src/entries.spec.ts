import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = dirname(fileURLToPath(import.meta.url));
const NEST_FOLDERS = ['nest', 'health'];

function sources(): string[] {
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .map((f) => f.split('\\').join('/'));
}

function imports(file: string): string[] {
  const text = readFileSync(join(src, file), 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

describe('@beacon/nestjs entries', () => {
  it('keeps Nest out of everything but nest/, health/ and the Nest entries, so ./node works without Nest', () => {
    const plain = sources().filter(
      (f) => !NEST_FOLDERS.includes(f.split('/')[0]!) && f !== 'index.ts' && f !== 'terminus.ts',
    );
    expect(plain).toContain('node.ts');
    for (const file of plain) {
      const nestImports = imports(file).filter((s) => s.startsWith('@nestjs/') || /\/(nest|health)\//.test(s));
      expect({ file, nestImports }).toEqual({ file, nestImports: [] });
    }
  });

  it('imports @nestjs/terminus (an optional peer) only from the ./terminus entry', () => {
    const users = sources().filter((f) => imports(f).some((s) => s.startsWith('@nestjs/terminus')));
    expect(users).toEqual(['health/beacon-health-indicator.ts']);
    const reachingHealth = sources().filter((f) => imports(f).some((s) => s.includes('health/')));
    expect(reachingHealth).toEqual(['terminus.ts']);
  });
});
