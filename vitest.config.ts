import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, entry = 'index.ts') =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${entry}`, import.meta.url));

// Tests run against the sources; Nest decorators need SWC for their metadata.
const shared = {
  plugins: [swc.vite({ jsc: { target: 'es2023', transform: { decoratorMetadata: true, legacyDecorator: true } } })],
  resolve: {
    alias: [
      { find: /^@beacon\/core$/, replacement: src('core') },
      { find: /^@beacon\/core\/testing$/, replacement: src('core', 'testing/index.ts') },
    ],
  },
};

export default defineConfig({
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.spec.ts', 'apps/*/src/**/*.spec.{ts,tsx}', 'bench/src/**/*.spec.ts'],
        },
      },
      {
        ...shared,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.int-spec.ts', 'bench/test/**/*.int-spec.ts'],
          globalSetup: ['./vitest.global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
    ],
  },
});
