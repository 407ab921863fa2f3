import { describe, expect, it } from 'vitest';
import { BeaconConfigError } from './config-error.js';
import { resolveBeaconOptions, type BeaconModuleOptions } from './options.js';

const base = { serverAddresses: '127.0.0.1:8848', serviceName: 'greeter', ip: '127.0.0.1' };

function failure(options: unknown): string {
  try {
    resolveBeaconOptions(options as BeaconModuleOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(BeaconConfigError);
    return (error as Error).message;
  }
  throw new Error('the options were accepted');
}

describe('resolveBeaconOptions', () => {
  it('fills in the defaults and keeps the port open until the server listens', () => {
    const resolved = resolveBeaconOptions({
      ...base,
      namespace: 'dev',
      username: 'app',
      password: 'secret',
      metadata: { 'preserved.heart.beat.interval': '1000', version: '2' },
      client: { requestTimeoutMs: 2000 },
    });
    expect(resolved.client).toEqual({
      serverAddresses: '127.0.0.1:8848',
      namespace: 'dev',
      username: 'app',
      password: 'secret',
      requestTimeoutMs: 2000,
    });
    expect(resolved.groupName).toBe('DEFAULT_GROUP');
    expect(resolved.instance).toEqual({
      serviceName: 'greeter',
      groupName: 'DEFAULT_GROUP',
      ip: '127.0.0.1',
      port: undefined,
      weight: 1,
      clusterName: 'DEFAULT',
      metadata: { 'preserved.heart.beat.interval': '1000', version: '2' },
    });
  });

  it('detects the ip from the network interfaces when none is given', () => {
    const resolved = resolveBeaconOptions({ ...base, ip: undefined, preferredNetworks: ['127.0.0.0/8'] });
    expect(resolved.instance?.ip).toBe('127.0.0.1');
  });

  it('needs no service name for a discovery-only application', () => {
    const resolved = resolveBeaconOptions({ serverAddresses: '127.0.0.1:8848', register: false, groupName: 'shop' });
    expect(resolved.instance).toBeUndefined();
    expect(resolved.groupName).toBe('shop');
  });

  it.each([
    [
      { ...base, serviceName: undefined },
      'BeaconModule: serviceName is required to register this application (or set register: false)',
    ],
    [{ ...base, serviceName: 'shop@@greeter' }, /serviceName 'shop@@greeter' must not contain '@@'/],
    [{ ...base, servicename: 'x' }, "BeaconModule: unknown option 'servicename' (did you mean 'serviceName'?)"],
    [{ ...base, port: 0 }, /port must be a whole number from 1 to 65535, got 0/],
    [{ ...base, port: '80' }, /port must be a whole number/],
    [{ ...base, ip: 'localhost' }, /ip must be an IPv4 or IPv6 address, got 'localhost'/],
    [{ ...base, weight: 20000 }, /weight must be a number from 0 to 10000/],
    [{ ...base, metadata: { zone: 3 } }, /metadata 'zone' must be a string/],
    [
      { ...base, metadata: { 'preserved.heart.beat.interval': '20000' } },
      /heart beat interval' \(20000 ms\) must not exceed/,
    ],
    [{ ...base, preferredNetworks: '10.0.0.0/8' }, /preferredNetworks must be an array/],
    [
      { ...base, ip: undefined, preferredNetworks: ['10.0.0.0/40'] },
      /preferredNetworks\[0\] '10.0.0.0\/40' is not an IPv4 CIDR/,
    ],
    [{ ...base, client: { namespace: 'x' } }, /client.namespace is not allowed: set 'namespace' at the top level/],
    [{ ...base, register: 'yes' }, /register must be true or false/],
    [{ ...base, groupName: 5 }, /groupName must be a string/],
  ])('refuses %j naming the option', (options, message) => {
    const text = failure(options);
    if (typeof message === 'string') expect(text).toBe(message);
    else expect(text).toMatch(message);
  });

  it('prefixes the messages with the caller', () => {
    expect(() => resolveBeaconOptions({ serverAddresses: 'x', port: -1 } as never, 'registerOnListen')).toThrow(
      /^registerOnListen: /,
    );
  });
});
