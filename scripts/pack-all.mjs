#!/usr/bin/env node
// `pnpm pack:all [dir]`: installable tarballs of a built workspace (`pnpm build`), in dist/ by default:
//   beacon-server-<version>.tgz  the server with the built console inside and the `beacon` command;
//                                @beacon/core is bundled in it (it is not on any registry)
//   beacon-sdk-<version>.tgz     @beacon/sdk
//   beacon-nestjs-<version>.tgz  @beacon/nestjs, whose dependency on @beacon/sdk is the SDK's exact
//                                version: install both tarballs together and npm takes the local one
// Everything else comes from the npm registry when they are installed. None of them is published.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = resolve(process.argv[2] ?? join(root, 'dist'));
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

function run(command, args, cwd) {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`);
    throw new Error(`pack-all: \`${command} ${args.join(' ')}\` failed in ${cwd} (its output is above)`, {
      cause: error,
    });
  }
}

function requireBuilt(path) {
  if (!existsSync(join(root, path))) throw new Error(`pack-all: ${path} is missing; run \`pnpm build\` first`);
}

requireBuilt('packages/core/dist/index.js');
requireBuilt('packages/server/dist/bin/beacon.js');
requireBuilt('packages/sdk/dist/index.js');
requireBuilt('packages/nestjs/dist/index.js');
requireBuilt('apps/console/dist/index.html');
mkdirSync(out, { recursive: true });

// The SDK and the NestJS module are packages of their own: pnpm pack turns `workspace:*` into versions.
for (const name of ['@beacon/sdk', '@beacon/nestjs']) {
  run('pnpm', ['--filter', name, 'pack', '--pack-destination', out], root);
}

// The server is staged: its build, its proto files, the built console in console/ (where
// serve-console.ts looks first) and @beacon/core in node_modules, bundled.
const server = readJson(join(root, 'packages/server/package.json'));
const core = readJson(join(root, 'packages/core/package.json'));
const stage = mkdtempSync(join(tmpdir(), 'beacon-pack-'));
try {
  cpSync(join(root, 'packages/server/dist'), join(stage, 'dist'), { recursive: true });
  cpSync(join(root, 'packages/server/proto'), join(stage, 'proto'), { recursive: true });
  cpSync(join(root, 'apps/console/dist'), join(stage, 'console'), { recursive: true });
  cpSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
  cpSync(join(root, 'README.md'), join(stage, 'README.md'));
  const bundledCore = join(stage, 'node_modules', '@beacon', 'core');
  cpSync(join(root, 'packages/core/dist'), join(bundledCore, 'dist'), { recursive: true });
  const { private: _private, ...coreManifest } = core;
  writeFileSync(join(bundledCore, 'package.json'), JSON.stringify(coreManifest, null, 2) + '\n');

  const dependencies = { ...server.dependencies, '@beacon/core': core.version };
  const manifest = {
    name: server.name,
    version: server.version,
    description: 'Beacon: a service registry speaking the Nacos 1.x and 2.x protocols, with its web console',
    license: 'Apache-2.0',
    type: 'module',
    engines: readJson(join(root, 'package.json')).engines,
    bin: { beacon: 'dist/bin/beacon.js' },
    main: server.main,
    exports: server.exports,
    files: ['dist', 'proto', 'console', 'README.md', 'LICENSE'],
    dependencies,
    bundleDependencies: ['@beacon/core'],
  };
  writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', out], stage);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

for (const dir of ['server', 'sdk', 'nestjs']) {
  const file = join(out, `beacon-${dir}-${readJson(join(root, 'packages', dir, 'package.json')).version}.tgz`);
  if (!existsSync(file)) throw new Error(`pack-all: ${file} was not written`);
  console.log(file);
}
