import { describe, expect, it } from 'vitest';
import { TokenService } from './token-service.js';

const KEY = Buffer.from('unit-test-secret-unit-test-secret-0123');

describe('TokenService', () => {
  it('issues tokens that verify until exp, and are expired from exp on', () => {
    let now = 1_700_000_000_000;
    const tokens = new TokenService(KEY, 60, () => now);
    const { token, claims } = tokens.issue('alice');
    expect(claims).toEqual({ sub: 'alice', iat: 1_700_000_000, exp: 1_700_000_060 });
    expect(tokens.verify(token)).toEqual({ ok: true, claims });
    now += 59_999;
    expect(tokens.verify(token).ok).toBe(true);
    now += 1;
    expect(tokens.verify(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses another key, a changed payload and a missing signature', () => {
    const tokens = new TokenService(KEY, 60);
    const other = new TokenService(Buffer.from('another-key-another-key-another-key-01'), 60);
    const { token } = other.issue('alice');
    expect(tokens.verify(token)).toEqual({ ok: false, reason: 'invalid' });
    const [h, , s] = tokens.issue('alice').token.split('.');
    const payload = Buffer.from('{"sub":"nacos","iat":1,"exp":9999999999}').toString('base64url');
    expect(tokens.verify(`${h}.${payload}.${s}`).ok).toBe(false);
    expect(tokens.verify(`${h}.${payload}.`).ok).toBe(false);
    expect(tokens.verify('x'.repeat(5000)).ok).toBe(false);
  });

  it('an expired token with a bad signature is invalid, not expired', () => {
    const tokens = new TokenService(KEY, 60, () => 2_000_000_000_000);
    const old = new TokenService(Buffer.from('another-key-another-key-another-key-01'), 60, () => 0).issue('a').token;
    expect(tokens.verify(old)).toEqual({ ok: false, reason: 'invalid' });
  });
});
