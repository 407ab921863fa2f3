import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The module rules of docs/architecture.md, checked on the sources: each test names the rule it
// enforces and lists every import that breaks it, so a failure says which file to fix.

const serverSrc = dirname(fileURLToPath(import.meta.url));
const coreSrc = resolve(serverSrc, '../../core/src');

/** The faces: each one parses and renders a protocol, and calls the application layer. */
const FACES = ['nacos', 'nacos-v2', 'api', 'grpc', 'auth-api'];

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
        // Loaded on demand (the cluster code in embedded mode is not): still a dependency.
        for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) imports.push(m[1]!);
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

/**
 * Which folders of packages/server/src each folder may import: one row per folder, every folder
 * listed ('' is the files directly in src: the app's composition and entry points). A folder
 * missing here fails the test, so a new folder comes with its row. Imports inside a folder are free.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  '': [
    'api',
    'application',
    'auth',
    'auth-api',
    'cli',
    'config',
    'console',
    'grpc',
    'http',
    'logging',
    'metrics',
    'nacos',
    'nacos-v2',
    'push',
    'storage',
  ],
  bin: ['', 'api', 'auth', 'cli', 'config', 'storage'],
  // the command line (serve, --help, --version, reset-admin-password) and the start-up logging
  cli: ['', 'auth', 'config', 'console', 'grpc', 'logging', 'storage'],
  logging: ['config', 'storage'],
  // faces: parse and render, call the application layer; the auth guard sits below them
  nacos: ['application', 'auth', 'http', 'nacos-common', 'wire'],
  'nacos-v2': ['application', 'http', 'nacos-common', 'wire'],
  // what both Nacos HTTP faces read alike: requests into the application layer's commands
  'nacos-common': ['application', 'http', 'wire'],
  api: ['application', 'auth', 'http', 'wire'],
  grpc: ['application', 'auth', 'config', 'http', 'metrics', 'net', 'wire'],
  'auth-api': ['application', 'auth', 'config', 'http', 'wire'],
  // the application layer: the use cases, over the state backend's port (application/state-backend.ts)
  // (config: application.module.ts hands the services their settings, e.g. BEACON_OUTAGE_VISIBLE_MS;
  // metrics: the alerting series of services down, services-down-metrics.ts)
  application: ['audit', 'config', 'metrics', 'push', 'state-backend', 'wire'],
  push: ['auth', 'config', 'metrics', 'net', 'state-backend', 'wire'],
  auth: ['audit', 'config', 'http', 'net', 'state-backend', 'storage', 'wire'],
  metrics: ['state-backend'],
  wire: ['audit', 'http', 'state-backend'],
  // the state backend: chooses embedded (storage/) or cluster (cluster/) and builds what each needs
  'state-backend': ['application', 'audit', 'auth', 'cluster', 'config', 'net', 'probes', 'storage'],
  cluster: ['application', 'config', 'net', 'storage'],
  // the audit trail: its entries, the recorder, retention, and the store port with its two adapters
  audit: ['storage', 'wire'],
  storage: [],
  probes: ['net'],
  http: ['wire'],
  config: ['net'],
  net: [],
  console: [],
};

/**
 * Crossings the table forbids that the code still has, each with the issue that removes it. The
 * test fails on any crossing not listed here, and on a listed one that is gone (delete its line).
 */
const KNOWN_CROSSINGS: readonly { from: string; to: string; issue: number; why: string }[] = [];

describe('module boundaries (docs/architecture.md)', () => {
  it('every folder of server/src has a row in the dependency table, and the table names only folders', () => {
    const folders = [...new Set(server.map((f) => f.folder))].sort();
    expect(Object.keys(MAY_IMPORT).sort()).toEqual(folders);
    for (const allowed of Object.values(MAY_IMPORT)) for (const to of allowed) expect(folders).toContain(to);
  });

  it('each folder imports only the folders its row allows (known crossings aside, each with its issue)', () => {
    const crossings = new Map<string, string[]>();
    for (const f of server) {
      for (const s of f.imports) {
        const to = targetFolder(f, s);
        if (to === undefined || to === f.folder || MAY_IMPORT[f.folder]?.includes(to)) continue;
        const key = `${f.folder || '(src)'} -> ${to || '(src)'}`;
        crossings.set(key, [...(crossings.get(key) ?? []), `${f.path} -> ${s}`]);
      }
    }
    const known = new Set(KNOWN_CROSSINGS.map((c) => `${c.from} -> ${c.to}`));
    const unknown = [...crossings].filter(([key]) => !known.has(key)).flatMap(([, lines]) => lines);
    expect(unknown).toEqual([]);
    // A crossing that is gone leaves the list, so that it cannot come back unnoticed.
    expect([...known].filter((key) => !crossings.has(key))).toEqual([]);
  });

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

  it('no face holds the registry or the beat processor: every rule it would apply belongs in application/', () => {
    const faceFiles = inFolder(...FACES);
    expect(faceFiles.filter((f) => f.path.endsWith('.controller.ts')).length).toBeGreaterThan(10);
    const holdRegistry = faceFiles.filter((f) =>
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

  it('the application layer’s services are plain classes (only its module knows Nest)', () => {
    const nest = inFolder('application').filter(
      (f) => f.path !== 'application/application.module.ts' && f.imports.some((s) => s.startsWith('@nestjs/')),
    );
    expect(nest.map((f) => f.path)).toEqual([]);
  });

  it('core’s index names what it exports: no `export *` that would publish its internals', () => {
    const index = readFileSync(join(coreSrc, 'index.ts'), 'utf8');
    expect(index).toMatch(/export \{[^}]*\bRegistry\b/);
    expect(index).not.toMatch(/export \*/);
  });

  it('only configuration is a global Nest module', () => {
    const global = server.filter((f) => /@Global\(\)/.test(f.text)).map((f) => f.path);
    expect(global).toEqual(['config/config.module.ts']);
  });

  it('reads the imports it checks (a guard against a regex that silently matches nothing)', () => {
    const catalog = server.find((f) => f.path === 'nacos/catalog.controller.ts');
    expect(catalog?.imports).toContain('../application/service-catalog.js');
    expect(importsInto([catalog!], ['application'])).toHaveLength(1);
    const chooser = server.find((f) => f.path === 'state-backend/state-backend.module.ts');
    expect(chooser?.imports).toContain('../cluster/cluster-state-backend.js'); // an import() on demand
  });
});
