import { describe, expect, it } from 'vitest';
import { OptionsError } from './errors.js';
import { resolveOptions, type NamingClientOptions } from './options.js';

const resolve = (o: Partial<NamingClientOptions> & Record<string, unknown>) =>
  resolveOptions({ serverAddresses: '127.0.0.1:8848', ...o } as NamingClientOptions);

describe('resolveOptions', () => {
  it('fills Nacos defaults', () => {
    const o = resolve({});
    expect(o.servers).toEqual([{ origin: 'http://127.0.0.1:8848', host: '127.0.0.1' }]);
    expect(o).toMatchObject({
      namespace: 'public',
      credentials: undefined,
      contextPath: '/nacos',
      requestTimeoutMs: 5000,
      cacheMillis: undefined,
      watch: true,
      udpPush: { port: 0 },
      pushEmptyProtection: true,
      lightBeats: true,
      maxRetryDelayMs: 10_000,
    });
  });

  it('reads server lists in every usual form, dropping duplicates and blanks', () => {
    expect(resolve({ serverAddresses: 'a:1, b:2,,a:1' }).servers.map((s) => s.origin)).toEqual([
      'http://a:1',
      'http://b:2',
    ]);
    expect(resolve({ serverAddresses: ['https://x.example:9443', 'y'] }).servers.map((s) => s.origin)).toEqual([
      'https://x.example:9443',
      'http://y:8848',
    ]);
  });

  it.each([
    [{ serverAddresses: undefined }, "serverAddresses is required, e.g. ['127.0.0.1:8848']"],
    [{ serverAddresses: [] }, 'serverAddresses must list at least one server'],
    [{ serverAddresses: ['ftp://a:1'] }, "serverAddresses[0] 'ftp://a:1' must use http or https"],
    [{ serverAddresses: ['a:1', 'http://b:2/nacos'] }, "serverAddresses[1] 'http://b:2/nacos' must be an origin only"],
    [{ serverAddresses: ['a:1', 7] }, 'serverAddresses[1] must be a string, got 7'],
    [{ serverAddresses: ['http://[bad'] }, "serverAddresses[0] 'http://[bad' is not host:port or an http(s) URL"],
    [{ username: 'nacos' }, 'username and password must be given together'],
    [{ requestTimeoutMs: 0 }, 'requestTimeoutMs must be a whole number from 1 to 600000, got 0'],
    [{ cacheMillis: 1.5 }, 'cacheMillis must be a whole number from 100 to 3600000, got 1.5'],
    [{ watch: 'yes' }, 'watch must be true or false, got "yes"'],
    [{ udpPush: { port: 70000 } }, 'udpPush.port must be a whole number from 0 to 65535, got 70000'],
    [{ udpPush: 'on' }, 'udpPush must be a boolean or { port }, got "on"'],
    [{ namespace: 5 }, 'namespace must be a string, got 5'],
    [{ contextPath: 'nacos' }, "contextPath must look like '/nacos', got 'nacos'"],
    [{ serverAddress: 'a:1' }, "unknown option 'serverAddress' (did you mean 'serverAddresses'?)"],
    [{ timeout: 5 }, "unknown option 'timeout'"],
  ])('rejects %j with a message naming the option', (bad, message) => {
    expect(() => resolve(bad as Record<string, unknown>)).toThrow(OptionsError);
    expect(() => resolve(bad as Record<string, unknown>)).toThrow(message);
  });

  it('rejects a missing options object', () => {
    expect(() => resolveOptions(undefined as unknown as NamingClientOptions)).toThrow('options must be an object');
  });

  it('takes credentials, a fixed UDP port and a context path', () => {
    const o = resolve({ username: 'nacos', password: 'secret', udpPush: { port: 55555 }, contextPath: '/registry/' });
    expect(o.credentials).toEqual({ username: 'nacos', password: 'secret' });
    expect(o.udpPush).toEqual({ port: 55555 });
    expect(o.contextPath).toBe('/registry');
    expect(resolve({ udpPush: false }).udpPush).toBe(false);
  });
});
