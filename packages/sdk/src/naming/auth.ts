import type { Clock } from './clock.js';
import { AuthenticationError } from './errors.js';
import type { ServerAddress } from './options.js';

export interface LoginReply {
  /** undefined when the server has no login endpoint (an old or auth-less server). */
  readonly accessToken: string | undefined;
  /** Seconds. */
  readonly tokenTtl: number;
}

export type LoginFn = (server: ServerAddress, username: string, password: string) => Promise<LoginReply>;

/** How long to wait before trying to log in again on a server that has no login endpoint. */
const RETRY_UNSUPPORTED_MS = 60_000;

/**
 * The access token for a username / password, as the Java client's SecurityProxy keeps it: log in
 * on first use, log in again once 90 % of the token's lifetime has passed (so requests never carry
 * an expired token), and at once when a server says the token is expired or invalid. Concurrent
 * callers share one login.
 */
export class TokenManager {
  private token: { value: string; refreshAt: number } | undefined;
  private pending: Promise<string | undefined> | undefined;
  private unsupportedUntil = 0;

  constructor(
    private readonly credentials: { readonly username: string; readonly password: string } | undefined,
    private readonly clock: Clock,
    private readonly login: LoginFn,
  ) {}

  get enabled(): boolean {
    return this.credentials !== undefined;
  }

  /** The current token, logging in on `server` first when there is none or it is due for refresh. */
  async get(server: ServerAddress): Promise<string | undefined> {
    const credentials = this.credentials;
    if (!credentials) return undefined;
    const now = this.clock.now();
    if (this.token && now < this.token.refreshAt) return this.token.value;
    if (now < this.unsupportedUntil) return undefined;
    this.pending ??= this.refresh(server, credentials).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Peeks at the token without logging in (for the watch stream's headers). */
  current(): string | undefined {
    return this.token && this.clock.now() < this.token.refreshAt ? this.token.value : undefined;
  }

  /** Forget the token: the server refused it. The next request logs in again. */
  invalidate(): void {
    this.token = undefined;
    this.unsupportedUntil = 0;
  }

  private async refresh(
    server: ServerAddress,
    credentials: { readonly username: string; readonly password: string },
  ): Promise<string | undefined> {
    const reply = await this.login(server, credentials.username, credentials.password);
    const now = this.clock.now();
    if (reply.accessToken === undefined) {
      this.token = undefined;
      this.unsupportedUntil = now + RETRY_UNSUPPORTED_MS;
      return undefined;
    }
    const ttlMs = Math.max(1, reply.tokenTtl) * 1000;
    this.token = { value: reply.accessToken, refreshAt: now + ttlMs - ttlMs / 10 };
    return reply.accessToken;
  }
}

export function loginRefused(username: string, status: number, body: string): AuthenticationError {
  return new AuthenticationError(`login refused for user '${username}': ${authMessage(body) ?? body}`, status);
}

/** The `message` of a Spring-style or Beacon JSON error body, or the plain body. */
export function authMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // plain text
  }
  return body.trim() || undefined;
}

/** The 403 messages with which Nacos denies a request for want of a (valid) token. */
export const TOKEN_DENIALS = ['user not found!', 'token expired!', 'token invalid!'];
