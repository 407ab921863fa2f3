import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessDirectory } from '../auth/access-directory.js';
import { Authenticator, type Identity } from '../auth/authenticator.js';
import { rateLimitMessage } from '../auth/denial.js';

export type LoginOutcome =
  | { readonly ok: true; readonly identity: Identity; readonly token: string; readonly ttlSeconds: number }
  | { readonly ok: false; readonly status: 401 | 403 | 429; readonly message?: string };

/** Login for both faces: rate limited per client IP, failures logged without secrets. */
@Injectable()
export class LoginService {
  private readonly logger = new Logger('Auth');

  constructor(
    @Inject(Authenticator) private readonly authenticator: Authenticator,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
  ) {}

  /** A failure answers 403 (Nacos) — the native controller turns it into 401 — or 429 when rate limited. */
  async login(username: string, password: string, request: FastifyRequest, reply: FastifyReply): Promise<LoginOutcome> {
    const result = await this.authenticator.login(username, password, request.ip);
    if (result.ok) {
      const { token, ttlSeconds } = this.authenticator.issueToken(result.identity);
      return { ok: true, identity: result.identity, token, ttlSeconds };
    }
    if (result.failure.kind === 'rate-limited') {
      const seconds = result.failure.retryAfterSeconds;
      this.logger.warn(`login rate limit reached by ${request.ip}`);
      void reply.header('retry-after', String(seconds));
      return { ok: false, status: 429, message: rateLimitMessage(seconds) };
    }
    // Only names of real accounts are logged: a password typed into the name field must not be.
    const who = this.directory.user(username) ? `user '${username}'` : 'an unknown user name';
    this.logger.warn(`failed login for ${who} from ${request.ip}`);
    return { ok: false, status: 403 };
  }
}
