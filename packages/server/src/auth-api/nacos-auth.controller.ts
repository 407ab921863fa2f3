import {
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Post,
  Put,
  Req,
  Res,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InvalidParameterError } from '@beacon/core';
import type { BeaconConfig } from '../config/config.js';
import { CONFIG } from '../config/tokens.js';
import { Params } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import { AccessDirectory } from '../auth/access-directory.js';
import { Authenticator, type Identity } from '../auth/authenticator.js';
import { AUTH_OFF_IDENTITY, CurrentIdentity } from '../auth/current-identity.js';
import { rateLimitMessage } from '../auth/denial.js';
import { LoginService } from './login-service.js';

interface Page<T> {
  totalCount: number;
  pageNumber: number;
  pagesAvailable: number;
  pageItems: T[];
}

/** What Nacos with auth disabled hands out instead of a token; the guard ignores it with auth off. */
const AUTH_DISABLED_TOKEN = 'AUTH_DISABLED';

/** Nacos's RestResult of an administration call that returns nothing. */
interface RestResult {
  readonly code: 200;
  readonly message: string;
  readonly data: null;
}

/** The login answer; the token also goes out in the Authorization header. */
interface LoginResult {
  readonly accessToken: string;
  readonly tokenTtl: number;
  readonly globalAdmin: boolean;
  readonly username: string;
}

function restResult(message: string): RestResult {
  return { code: 200, message, data: null };
}

function page<T>(items: T[], p: ParamReader): Page<T> {
  const pageNo = Math.max(1, p.int('pageNo', 1));
  const pageSize = Math.min(1000, Math.max(1, p.int('pageSize', 100)));
  return {
    totalCount: items.length,
    pageNumber: pageNo,
    pagesAvailable: Math.ceil(items.length / pageSize),
    pageItems: items.slice((pageNo - 1) * pageSize, pageNo * pageSize),
  };
}

/**
 * Nacos 1.4's /v1/auth endpoints: login (public, rate limited) and the user, role and permission
 * administration of its console (admins only, decided by the guard). Password hashes never leave.
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

  @Get('users')
  users(@Params() p: ParamReader): Page<{ username: string }> {
    const filter = p.get('username');
    const users = this.directory
      .userList()
      .filter((u) => filter === undefined || u.username.includes(filter))
      .map((u) => ({ username: u.username }));
    return page(users, p);
  }

  @Get('users/search')
  searchUsers(@Params() p: ParamReader): string[] {
    const filter = p.get('username') ?? '';
    return this.directory
      .userList()
      .map((u) => u.username)
      .filter((name) => name.includes(filter));
  }

  @Post('users')
  @HttpCode(200)
  async createUser(@Params() p: ParamReader): Promise<RestResult> {
    await this.directory.createUser(p.required('username'), p.required('password'));
    return restResult('create user ok!');
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
  ): Promise<RestResult> {
    if (!this.config.authEnabled) throw new InvalidParameterError('auth is off: there is no signed-in user');
    const check = await this.authenticator.login(identity.username, p.required('oldPassword'), request.ip);
    if (!check.ok) {
      if (check.failure.kind === 'rate-limited') {
        throw new HttpException(rateLimitMessage(check.failure.retryAfterSeconds), HttpStatus.TOO_MANY_REQUESTS);
      }
      throw new InvalidParameterError('Old password is invalid');
    }
    await this.directory.changePassword(identity.username, p.required('newPassword'));
    return restResult('Update password success');
  }

  /** The user themself or an admin (the guard checks which). */
  @Put('users')
  async changePassword(@Params() p: ParamReader): Promise<RestResult> {
    await this.directory.changePassword(p.required('username'), p.required('newPassword'));
    return restResult('update user ok!');
  }

  @Delete('users')
  async deleteUser(@Params() p: ParamReader): Promise<RestResult> {
    await this.directory.deleteUser(p.required('username'));
    return restResult('delete user ok!');
  }

  @Get('roles')
  roles(@Params() p: ParamReader): Page<{ role: string; username: string }> {
    const username = p.get('username');
    return page(
      this.directory.roleBindings().filter((b) => username === undefined || b.username === username),
      p,
    );
  }

  @Get('roles/search')
  searchRoles(@Params() p: ParamReader): string[] {
    const filter = p.get('role') ?? '';
    return this.directory.roleNames().filter((role) => role.includes(filter));
  }

  @Post('roles')
  @HttpCode(200)
  async bindRole(@Params() p: ParamReader): Promise<RestResult> {
    await this.directory.bindRole(p.required('role'), p.required('username'));
    return restResult('add role ok!');
  }

  @Delete('roles')
  async unbindRole(@Params() p: ParamReader): Promise<RestResult> {
    const role = p.required('role');
    const username = p.get('username');
    await this.directory.unbindRole(role, username);
    return restResult(username === undefined ? 'delete role ok!' : `delete role of user ${username} ok!`);
  }

  @Get('permissions')
  permissions(@Params() p: ParamReader): Page<{ role: string; resource: string; action: string }> {
    const role = p.get('role');
    return page(
      this.directory.permissionList().filter((x) => role === undefined || x.role === role),
      p,
    );
  }

  @Post('permissions')
  @HttpCode(200)
  async grant(@Params() p: ParamReader): Promise<RestResult> {
    await this.directory.grant(p.required('role'), p.required('resource'), p.required('action'));
    return restResult('add permission ok!');
  }

  @Delete('permissions')
  async revoke(@Params() p: ParamReader): Promise<RestResult> {
    await this.directory.revoke(p.required('role'), p.required('resource'), p.required('action'));
    return restResult('delete permission ok!');
  }
}
