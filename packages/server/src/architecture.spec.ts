import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The module rules of docs/architecture.md, checked on the sources: each test names the rule it
// enforces and lists every import that breaks it, so a failure says which file to fix.

const serverSrc = dirname(fileURLToPath(import.meta.url));
const coreSrc = resolve(serverSrc, '../../core/src');

/** The faces: each one parses and renders a protocol, and calls the application layer. */
const FACES = ['nacos', 'nacos-v2', 'api', 'grpc'];

/** Node modules that touch the outside world (files, sockets, processes, the host). */
const NODE_IO = [
  'fs',
  'fs/promises',
  'net',
  'dgram',
  'http',
  'https',
  'http2',
  'tls',
  'dns',
  'child_process',
  'cluster',
  'worker_threads',
  'os',
  'readline',
];

interface SourceFile {
  /** Path relative to its package's src, with forward slashes. */
  readonly path: string;
  /** Top folder under src ('' for files directly in src). */
  readonly folder: string;
  readonly text: string;
  readonly imports: string[];
}

function sourcesOf(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        const path = relative(root, full).split(sep).join('/');
        const text = readFileSync(full, 'utf8');
        const imports = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)].map(
          (m) => m[1]!,
        );
        for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) imports.push(m[1]!);
        files.push({ path, folder: path.includes('/') ? path.slice(0, path.indexOf('/')) : '', text, imports });
      }
    }
  };
  walk(root);
  return files;
}

/** The top folder under server/src a relative import lands in, or undefined for a package import. */
function targetFolder(file: SourceFile, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = relative(serverSrc, resolve(serverSrc, dirname(file.path), specifier))
    .split(sep)
    .join('/');
  return target.includes('/') ? target.slice(0, target.indexOf('/')) : '';
}

/** `file -> import` for every import of the given files that lands in one of the folders. */
function importsInto(files: SourceFile[], folders: readonly string[]): string[] {
  const found: string[] = [];
  for (const f of files) {
    for (const s of f.imports) {
      const target = targetFolder(f, s);
      if (target !== undefined && target !== f.folder && folders.includes(target)) found.push(`${f.path} -> ${s}`);
    }
  }
  return found;
}

const server = sourcesOf(serverSrc);
const inFolder = (...folders: string[]) => server.filter((f) => folders.includes(f.folder));

describe('module boundaries (docs/architecture.md)', () => {
  it('core imports no framework and no Node I/O module', () => {
    const core = sourcesOf(coreSrc).filter((f) => f.folder !== 'testing');
    expect(core.length).toBeGreaterThan(10);
    const offending = core.flatMap((f) =>
      f.imports
        .filter((s) => !s.startsWith('.'))
        .filter((s) => !s.startsWith('node:') || NODE_IO.includes(s.slice('node:'.length)))
        .map((s) => `${f.path} -> ${s}`),
    );
    expect(offending).toEqual([]);
  });

  it('faces never import each other, and reach the registry, storage and push only through the application layer', () => {
    const offending = FACES.flatMap((face) =>
      importsInto(inFolder(face), [
        ...FACES.filter((other) => other !== face),
        'registry',
        'storage',
        'push',
        'probes',
      ]),
    );
    expect(offending).toEqual([]);
  });

  it('no controller holds the registry or the beat processor: every rule it would apply belongs in application/', () => {
    const controllers = server.filter((f) => f.path.endsWith('.controller.ts'));
    expect(controllers.length).toBeGreaterThan(10);
    const holdRegistry = controllers.filter((f) =>
      /import\s*(?:type\s*)?\{[^}]*\b(Registry|BeatProcessor)\b[^}]*\}\s*from\s*'@beacon\/core'/.test(f.text),
    );
    expect(holdRegistry.map((f) => f.path)).toEqual([]);
  });

  it('faces import no Node I/O module: what they would read from the host, the application layer reads', () => {
    const offending = inFolder(...FACES).flatMap((f) =>
      f.imports
        .filter((s) => s.startsWith('node:') && NODE_IO.includes(s.slice('node:'.length)))
        .map((s) => `${f.path} -> ${s}`),
    );
    expect(offending).toEqual([]);
  });

  it('the application layer imports no face, and its services are plain classes (only its module knows Nest)', () => {
    expect(importsInto(inFolder('application'), FACES)).toEqual([]);
    const nest = inFolder('application').filter(
      (f) => f.path !== 'application/application.module.ts' && f.imports.some((s) => s.startsWith('@nestjs/')),
    );
    expect(nest.map((f) => f.path)).toEqual([]);
  });

  it('push does not borrow a face’s renderers: it renders with wire/', () => {
    expect(importsInto(inFolder('push'), [...FACES, 'application'])).toEqual([]);
  });

  it('auth does not import face modules', () => {
    expect(importsInto(inFolder('auth'), FACES)).toEqual([]);
  });

  it('wire/ (the shapes shared by faces and push) sits below them', () => {
    expect(importsInto(inFolder('wire'), [...FACES, 'application', 'push', 'auth'])).toEqual([]);
  });

  it('only configuration is a global Nest module', () => {
    const global = server.filter((f) => /@Global\(\)/.test(f.text)).map((f) => f.path);
    expect(global).toEqual(['config/config.module.ts']);
  });

  it('reads the imports it checks (a guard against a regex that silently matches nothing)', () => {
    const catalog = server.find((f) => f.path === 'nacos/catalog.controller.ts');
    expect(catalog?.imports).toContain('../application/service-catalog.js');
    expect(importsInto([catalog!], ['application'])).toHaveLength(1);
  });
});
