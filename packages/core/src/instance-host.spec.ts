import { describe, expect, it } from 'vitest';
import { InvalidParameterError } from './errors.js';
import { checkInstanceHost } from './instance-host.js';

describe('checkInstanceHost', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.255',
    '::1',
    'fe80::1',
    '2001:db8::8a2e:370:7334',
    '::ffff:10.1.2.3',
    'localhost',
    'db-1.prod.example.com',
  ])('accepts %s', (ip) => expect(() => checkInstanceHost(ip)).not.toThrow());

  it.each([
    '',
    '300.1.1.1',
    '1.2.3',
    '127.0.0.1:80',
    'http://x/',
    'a b',
    '-x.example',
    'x-.example',
    'a..b',
    '1::2::3',
    `${'a'.repeat(64)}.example`,
  ])('refuses %j with a 400 naming ip', (ip) => {
    expect(() => checkInstanceHost(ip)).toThrow(InvalidParameterError);
    expect(() => checkInstanceHost(ip)).toThrow("'ip' must be an IP address or an RFC 1123 host name");
  });
});
