import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../config/config.js';
import { StartUpLogger } from './start-up-logger.js';

function captured(level: 'log' | 'debug'): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
  Logger.overrideLogger(new StartUpLogger(level));
  return lines;
}

afterEach(() => {
  vi.restoreAllMocks();
  Logger.overrideLogger(new StartUpLogger('log'));
});

describe('StartUpLogger', () => {
  it("hides Nest's route and module reports at level log, keeps Beacon's own lines", () => {
    const lines = captured('log');
    new Logger('RouterExplorer').log('Mapped {/nacos/v1/ns/instance, POST} route');
    new Logger('InstanceLoader').log('AppModule dependencies initialized');
    new Logger('Storage').log('schema 0 -> 1');
    expect(lines.join('')).not.toContain('Mapped');
    expect(lines.join('')).not.toContain('AppModule');
    expect(lines.join('')).toContain('schema 0 -> 1');
  });

  it('shows them at level debug', () => {
    const lines = captured('debug');
    new Logger('RouterExplorer').log('Mapped {/nacos/v1/ns/instance, POST} route');
    expect(lines.join('')).toContain('Mapped {/nacos/v1/ns/instance, POST} route');
  });

  it("leaves a configuration error to main's one line, and logs any other error", () => {
    const lines = captured('log');
    new Logger('ExceptionHandler').error(new ConfigError('BEACON_REDIS_URL', 'cannot reach Redis'));
    expect(lines.join('')).toBe('');
    new Logger('ExceptionHandler').error(new Error('a bug'));
    expect(lines.join('')).toContain('a bug');
  });
});
