import { describe, expect, it } from 'vitest';
import { AddressList } from './address-list.js';

describe('AddressList', () => {
  it('matches IPv4 and IPv6 ranges and bare addresses, and IPv4-mapped IPv6 as IPv4', () => {
    const list = AddressList.parse(' 10.0.0.0/8, 192.168.1.7 ,fd00::/8');
    expect(list.has('10.200.3.4')).toBe(true);
    expect(list.has('::ffff:10.1.1.1')).toBe(true);
    expect(list.has('192.168.1.7')).toBe(true);
    expect(list.has('192.168.1.8')).toBe(false);
    expect(list.has('fd12::1')).toBe(true);
    expect(list.has('not-an-ip')).toBe(false);
  });

  it('is empty for an empty text, and refuses entries that are not ranges', () => {
    expect(AddressList.parse('').isEmpty).toBe(true);
    for (const bad of ['10.0.0.0/33', 'host.example', '10.0.0.0/x', 'fd00::/129']) {
      expect(() => AddressList.parse(bad), bad).toThrow(`'${bad}' is not an IP address or CIDR range`);
    }
  });
});
