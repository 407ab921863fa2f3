import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './command-line.js';

describe('parseCommandLine', () => {
  it('serves without arguments or with `serve`', () => {
    expect(parseCommandLine([])).toEqual({ kind: 'serve' });
    expect(parseCommandLine(['serve'])).toEqual({ kind: 'serve' });
  });

  it('knows help, version and reset-admin-password', () => {
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['-h'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
    expect(parseCommandLine(['-v'])).toEqual({ kind: 'version' });
    expect(parseCommandLine(['reset-admin-password'])).toEqual({ kind: 'reset-admin-password' });
  });

  it('calls anything else unknown, so that no server starts by mistake', () => {
    expect(parseCommandLine(['--port=9000'])).toEqual({ kind: 'unknown', argument: '--port=9000' });
    expect(parseCommandLine(['serve', '--help'])).toEqual({ kind: 'unknown', argument: '--help' });
    expect(parseCommandLine(['--port', '9000'])).toEqual({ kind: 'unknown', argument: '--port' });
  });
});
