import { Controller, HttpCode, HttpException, HttpStatus, Inject, Post, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InvalidParameterError } from '@beacon/core';
import type { BeaconConfig } from '../config/config.js';
import { CONFIG } from '../config/tokens.js';
import { Params, CurrentActor } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import { restResult, type RestResult } from './nacos-results.js';
import { AccessDirectory } from '../auth/access-directory.js';
import { Authenticator, type Identity } from '../auth/authenticator.js';
import { AUTH_OFF_IDENTITY, CurrentIdentity } from '../auth/current-identity.js';
import { rateLimitMessage } from '../auth/denial.js';
import { LoginService } from './login-service.js';
import type { Actor } from '../wire/actor.js';

/** What Nacos with auth disabled hands out instead of a token; the guard ignores it with auth off. */
const AUTH_DISABLED_TOKEN = 'AUTH_DISABLED';

/** The login answer; the token also goes out in the Authorization header. */
interface LoginResult {
  readonly accessToken: string;
  readonly tokenTtl: number;
  readonly globalAdmin: boolean;
  readonly username: string;
}

/**
 * Nacos 1.4's /v1/auth login (public, rate limited) and the signed-in user's own password change.
 * The administration of users, roles and permissions is nacos-access.controller.ts.
 */
@Controller('nacos/v1/auth')
export class NacosAuthController {
  constructor(
    @Inject(LoginService) private readonly logins: LoginService,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
    @Inject(CONFIG) private readonly config: BeaconConfig,
  ) {}

  /**
   * 200 {accessToken, tokenTtl, globalAdmin, username} plus the Authorization header; 403 `unknown
   * user!`. With auth off, as Nacos with auth disabled: any caller gets a token-shaped answer, so
   * clients configured with credentials (the Python SDK fails every call otherwise) keep working.
   */
  @Post(['login', 'users/login'])
  @HttpCode(200)
  async login(
    @Params() p: ParamReader,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResult> {
    if (!this.config.authEnabled) {
      return {
        accessToken: AUTH_DISABLED_TOKEN,
        tokenTtl: this.config.tokenTtlSeconds,
        globalAdmin: true,
        username: p.get('username') ?? AUTH_OFF_IDENTITY.username,
      };
    }
    const outcome = await this.logins.login(p.get('username') ?? '', p.get('password') ?? '', request, reply);
    if (!outcome.ok) throw new HttpException(outcome.message ?? 'unknown user!', outcome.status);
    void reply.header('authorization', `Bearer ${outcome.token}`);
    return {
      accessToken: outcome.token,
      tokenTtl: outcome.ttlSeconds,
      globalAdmin: outcome.identity.admin,
      username: outcome.identity.username,
    };
  }

  /**
   * The Nacos console's own password change (`/v1/auth/users/password`, also `/v1/auth/password`):
   * the caller's password, proven by the old one. Tokens issued before it stop working.
   */
  @Put(['users/password', 'password'])
  async changeOwnPassword(
    @Params() p: ParamReader,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @CurrentActor() actor: Actor,
  ): Promise<RestResult> {
    if (!this.config.authEnabled) throw new InvalidParameterError('auth is off: there is no signed-in user');
    const check = await this.authenticator.login(identity.username, p.required('oldPassword'), request.ip);
    if (!check.ok) {
      if (check.failure.kind === 'rate-limited') {
        throw new HttpException(rateLimitMessage(check.failure.retryAfterSeconds), HttpStatus.TOO_MANY_REQUESTS);
      }
      throw new InvalidParameterError('Old password is invalid');
    }
    await this.directory.changePassword(identity.username, p.required('newPassword'), actor);
    return restResult('Update password success');
  }
}
