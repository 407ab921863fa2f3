import { createHmac, timingSafeEqual } from 'node:crypto';

/** The claims Nacos puts in its tokens (`sub`, `exp`), plus `iat` and `ver` so a password change can revoke. */
export interface TokenClaims {
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
  /** The user's token version when issued (when their password last changed, in ms); absent in old tokens. */
  readonly ver?: number;
}

export type TokenCheck =
  { readonly ok: true; readonly claims: TokenClaims } | { readonly ok: false; readonly reason: 'invalid' | 'expired' };

const HEADER = encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Real tokens are ~200 bytes; anything this long is not ours and is not worth hashing. */
const MAX_TOKEN_LENGTH = 4096;

/**
 * HS256 JSON Web Tokens, written out on node:crypto so that every step is visible: only HS256 is
 * accepted (never `none`, never a key-confusion algorithm), the signature is checked in constant
 * time before the payload is trusted, and expiry is checked after the signature.
 */
export class TokenService {
  constructor(
    private readonly key: Buffer,
    readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(username: string, version?: number): { token: string; claims: TokenClaims } {
    const iat = Math.floor(this.now() / 1000);
    const claims: TokenClaims = {
      sub: username,
      iat,
      exp: iat + this.ttlSeconds,
      ...(version === undefined ? {} : { ver: version }),
    };
    const body = `${HEADER}.${encode(JSON.stringify(claims))}`;
    return { token: `${body}.${this.sign(body)}`, claims };
  }

  verify(token: string): TokenCheck {
    const invalid = { ok: false, reason: 'invalid' } as const;
    if (token.length > MAX_TOKEN_LENGTH) return invalid;
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return invalid;
    const [header, payload, signature] = parts as [string, string, string];

    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;

    const head = parseJson(header);
    if (head?.['alg'] !== 'HS256') return invalid;
    const claims = parseJson(payload);
    const sub = claims?.['sub'];
    const exp = claims?.['exp'];
    const iat = claims?.['iat'] ?? 0;
    const ver = claims?.['ver'];
    if (typeof sub !== 'string' || sub === '' || typeof exp !== 'number' || typeof iat !== 'number') return invalid;
    if (!Number.isFinite(exp) || !Number.isFinite(iat)) return invalid;
    if (ver !== undefined && (typeof ver !== 'number' || !Number.isFinite(ver))) return invalid;
    if (this.now() >= exp * 1000) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { sub, iat, exp, ...(ver === undefined ? {} : { ver }) } };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

function encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
