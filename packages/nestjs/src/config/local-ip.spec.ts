import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { checkPreferredNetworks, detectLocalIp } from './local-ip.js';

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({
  address,
  internal,
  family: 'IPv4',
  netmask: '255.255.255.0',
  mac: '00:00:00:00:00:00',
  cidr: `${address}/24`,
});
const machine = {
  lo: [v4('127.0.0.1', true)],
  docker0: [v4('172.17.0.1')],
  eth0: [v4('10.1.2.3'), { ...v4('fe80::1'), family: 'IPv6', scopeid: 0 } as NetworkInterfaceInfo],
  wlan0: [v4('192.168.1.20')],
};

describe('detectLocalIp', () => {
  it('takes the first non-internal IPv4 address by default', () => {
    expect(detectLocalIp([], machine)).toBe('172.17.0.1');
  });

  it('follows the preferred networks in their order, as CIDR blocks or prefixes', () => {
    expect(detectLocalIp(['10.0.0.0/8'], machine)).toBe('10.1.2.3');
    expect(detectLocalIp(['192.168.', '10.0.0.0/8'], machine)).toBe('192.168.1.20');
    expect(detectLocalIp(['127.0.0.0/8'], machine)).toBe('127.0.0.1');
  });

  it('falls back to the default when no preferred network matches, and to loopback on a bare machine', () => {
    expect(detectLocalIp(['11.0.0.0/8'], machine)).toBe('172.17.0.1');
    expect(detectLocalIp([], { lo: [v4('127.0.0.1', true)] })).toBe('127.0.0.1');
  });

  it('refuses entries that are neither a prefix nor a CIDR block', () => {
    expect(() => checkPreferredNetworks(['10.0.0.0/8', ''])).toThrow(/preferredNetworks\[1\]/);
    expect(() => checkPreferredNetworks(['300.0.0.0/8'])).toThrow(/preferredNetworks\[0\] '300.0.0.0\/8'/);
    expect(checkPreferredNetworks(['10.', '192.168.0.0/16'])).toEqual(['10.', '192.168.0.0/16']);
  });
});
