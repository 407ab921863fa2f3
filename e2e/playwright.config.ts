import { defineConfig } from '@playwright/test';

// Debian's Chromium (apt-get install chromium); Playwright never downloads a browser here.
const CHROMIUM = process.env['BEACON_E2E_CHROMIUM'] ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './tests',
  testMatch: '**/*.e2e.ts',
  outputDir: './test-results/output',
  // One server per file and real time (beats, timeouts): files run one after another.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env['CI'],
  retries: 0,
  reporter: [['list'], ['html', { outputFolder: './test-results/report', open: 'never' }]],
  use: {
    browserName: 'chromium',
    viewport: { width: 1366, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
