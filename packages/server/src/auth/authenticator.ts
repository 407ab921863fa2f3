import { createHmac, randomBytes } from 'node:crypto';
import type { AccessDirectory } from './access-directory.js';
import type { LoginRateLimiter } from './login-rate-limiter.js';
import type { PasswordHasher } from './password-hasher.js';
import type { TokenService } from './token-service.js';
import { VerifiedTokens } from './verified-tokens.js';

export interface Identity {
  readonly username: string;
  readonly admin: boolean;
  /** When the token that proved it expires (ms); undefined for a password check. */
  readonly expiresAt?: number;
}

/** Why a request is not authenticated; the messages are Nacos's (docs/nacos-protocol.md §8). */
export type AuthFailure =
  | { readonly kind: 'no-credentials' }
  | { readonly kind: 'token-expired' }
  | { readonly kind: 'token-invalid' }
  | { readonly kind: 'bad-credentials' }
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds: number };

export type AuthResult =
  { readonly ok: true; readonly identity: Identity } | { readonly ok: false; readonly failure: AuthFailure };

const MAX_CACHED_PASSWORDS = 10_000;

interface CachedCheck {
  readonly username: string;
  readonly passwordChangedAt: number;
  readonly expiresAt: number;
}

/**
 * Turns credentials into an identity. Tokens are checked against the signature, the expiry, the
 * user's existence and their last password change; a token that passed is remembered until it
 * expires or the access directory changes (VerifiedTokens), so a client's beats with the same token
 * cost one map lookup, and a deleted user or changed password still counts from the next request.
 * Username + password parameters (the Node client sends them on every request) cost one scrypt
 * check per client and token lifetime: a success is remembered under an HMAC of the pair with a key
 * that never leaves this process.
 */
export class Authenticator {
  private readonly cacheKey = randomBytes(32);
  private readonly checked = new Map<string, CachedCheck>();
  private readonly inFlight = new Map<string, Promise<AuthResult>>();
  private readonly verified: VerifiedTokens<AuthResult>;

  constructor(
    private readonly tokens: TokenService,
    private readonly directory: AccessDirectory,
    private readonly hasher: PasswordHasher,
    private readonly limiter: LoginRateLimiter,
    private readonly now: () => number = Date.now,
  ) {
    this.verified = new VerifiedTokens(now);
    directory.onChange(() => this.checked.clear());
  }

  byToken(token: string): AuthResult {
    const generation = this.directory.generation;
    const known = this.verified.get(token, generation);
    if (known !== undefined) return known;
    const check = this.tokens.verify(token);
    if (!check.ok) return fail(check.reason === 'expired' ? { kind: 'token-expired' } : { kind: 'token-invalid' });
    const user = this.directory.user(check.claims.sub);
    // A deleted user's tokens, and tokens issued before the last password change, are dead. The
    // version says so exactly; tokens from before versions fall back to the issue second.
    const { ver, iat } = check.claims;
    const stale =
      ver === undefined ? iat < Math.floor((user?.passwordChangedAt ?? 0) / 1000) : ver !== user?.passwordChangedAt;
    if (!user || stale) return fail({ kind: 'token-invalid' });
    const expiresAt = check.claims.exp * 1000;
    // Shared by every request that carries the token: frozen, so none can change it for the others.
    const result: AuthResult = Object.freeze({
      ok: true,
      identity: Object.freeze({ ...this.identity(user.username), expiresAt }),
    });
    this.verified.remember(token, result, expiresAt, generation);
    return result;
  }

  /** Username + password parameters on an ordinary request. */
  byPassword(username: string, password: string, client: string): Promise<AuthResult> {
    const key = createHmac('sha256', this.cacheKey).update(username).update('\0').update(password).digest('base64');
    const cached = this.checked.get(key);
    const user = this.directory.user(username);
    if (cached && user && cached.passwordChangedAt === user.passwordChangedAt && cached.expiresAt > this.now()) {
      return Promise.resolve(this.identityOf(username));
    }
    let pending = this.inFlight.get(key);
    if (!pending) {
      const checkedAgainst = user;
      pending = this.login(username, password, client)
        .then((result) => {
          // Remember only a check made against the user's current password.
          if (result.ok && checkedAgainst && this.directory.user(username) === checkedAgainst) {
            this.remember(key, checkedAgainst.username, checkedAgainst.passwordChangedAt);
          }
          return result;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** One password check, charged to the client's login budget. */
  async login(username: string, password: string, client: string): Promise<AuthResult> {
    const rate = this.limiter.take(client);
    if (!rate.allowed) return fail({ kind: 'rate-limited', retryAfterSeconds: rate.retryAfterSeconds });
    const user = this.directory.user(username);
    const valid = user
      ? await this.hasher.verify(password, user.passwordHash)
      : await this.hasher.verifyNothing(password);
    // The record must still be the one checked: a password changed meanwhile voids the check.
    if (!valid || !user || this.directory.user(username) !== user) return fail({ kind: 'bad-credentials' });
    return this.identityOf(username);
  }

  issueToken(identity: Identity): { token: string; ttlSeconds: number } {
    const version = this.directory.user(identity.username)?.passwordChangedAt;
    return { token: this.tokens.issue(identity.username, version).token, ttlSeconds: this.tokens.ttlSeconds };
  }

  private identityOf(username: string): AuthResult {
    return { ok: true, identity: this.identity(username) };
  }

  private identity(username: string): Identity {
    return { username, admin: this.directory.isAdmin(username) };
  }

  private remember(key: string, username: string, passwordChangedAt: number): void {
    if (this.checked.size >= MAX_CACHED_PASSWORDS) this.checked.delete(this.checked.keys().next().value!);
    this.checked.set(key, { username, passwordChangedAt, expiresAt: this.now() + this.tokens.ttlSeconds * 1000 });
  }
}

function fail(failure: AuthFailure): AuthResult {
  return { ok: false, failure };
}
