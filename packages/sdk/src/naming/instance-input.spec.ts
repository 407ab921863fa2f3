import { describe, expect, it } from 'vitest';
import { OptionsError } from './errors.js';
import { checkInstanceInput } from './instance-input.js';

describe('checkInstanceInput', () => {
  it('fills in the Nacos defaults and trims the address', () => {
    expect(checkInstanceInput({ ip: ' 127.0.0.1 ', port: 8080 })).toEqual({
      ip: '127.0.0.1',
      port: 8080,
      weight: 1,
      healthy: true,
      enabled: true,
      ephemeral: true,
      clusterName: 'DEFAULT',
      metadata: {},
    });
  });

  it.each([
    [{ ip: '', port: 1 }, /instance ip/],
    [{ ip: '127.0.0.1', port: 70000 }, /instance port/],
    [{ ip: '127.0.0.1', port: 1, weight: -1 }, /instance weight/],
    [{ ip: '127.0.0.1', port: 1, clusterName: 'a b' }, /clusterName/],
    [{ ip: '127.0.0.1', port: 1, metadata: { zone: 1 } }, /metadata 'zone'/],
    [{ ip: '127.0.0.1', port: 1, metadata: { 'preserved.heart.beat.interval': '20000' } }, /heart beat interval/],
  ])('refuses %j with a message naming the field', (input, message) => {
    expect(() => checkInstanceInput(input as never)).toThrow(OptionsError);
    expect(() => checkInstanceInput(input as never)).toThrow(message);
  });
});
