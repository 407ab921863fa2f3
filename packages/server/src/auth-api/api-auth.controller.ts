import { Body, Controller, Get, HttpCode, HttpException, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NamespaceService } from '../application/namespace-service.js';
import type { BeaconConfig } from '../config/config.js';
import { BodyReader } from '../http/body-reader.js';
import { ErrorDto } from '../wire/dto/status.dto.js';
import { CONFIG } from '../config/tokens.js';
import { AccessDirectory } from '../auth/access-directory.js';
import type { Identity } from '../auth/authenticator.js';
import { CurrentIdentity } from '../auth/current-identity.js';
import { AuthModeDto, LoginRequestDto, LoginResultDto, MeDto } from './dto/auth.dto.js';
import { LoginService } from './login-service.js';
import { namespaceAccess } from './namespace-access.js';
import { passwordOf } from './password-of.js';

/**
 * The native face of auth, for the console and the SDK: login, the auth mode, and who the caller
 * is; the same tokens as the Nacos face. Users, roles and permissions: api-access.controller.ts.
 */
@ApiTags('auth')
@ApiResponse({ status: 400, type: ErrorDto, description: 'Invalid request' })
@ApiResponse({ status: 401, type: ErrorDto, description: 'No valid credentials' })
@ApiResponse({ status: 403, type: ErrorDto, description: 'Not permitted' })
@Controller('api/v1/auth')
export class ApiAuthController {
  constructor(
    @Inject(CONFIG) private readonly config: BeaconConfig,
    @Inject(LoginService) private readonly logins: LoginService,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
    @Inject(NamespaceService) private readonly namespaces: NamespaceService,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ operationId: 'login', summary: 'Exchange a username and password for an access token' })
  @ApiBody({ type: LoginRequestDto })
  @ApiOkResponse({ type: LoginResultDto })
  @ApiResponse({ status: 429, type: ErrorDto, description: 'Too many attempts from this address' })
  async login(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResultDto> {
    const b = new BodyReader(body);
    const outcome = await this.logins.login(b.string('username') ?? '', passwordOf(body), request, reply);
    if (!outcome.ok) {
      if (outcome.status === 429) throw new HttpException(outcome.message!, 429);
      throw new HttpException('wrong username or password', 401);
    }
    return {
      accessToken: outcome.token,
      tokenTtl: outcome.ttlSeconds,
      username: outcome.identity.username,
      admin: outcome.identity.admin,
    };
  }

  @Get('mode')
  @ApiOperation({
    operationId: 'getAuthMode',
    summary: 'Whether credentials are needed: lets a client decide to sign in before calling anything else',
  })
  @ApiOkResponse({ type: AuthModeDto })
  mode(): AuthModeDto {
    return { authEnabled: this.config.authEnabled };
  }

  @Get('me')
  @ApiOperation({ operationId: 'getMe', summary: 'Who the token belongs to, and what they may do' })
  @ApiQuery({
    name: 'namespaceId',
    required: false,
    description: 'Also report access to this namespace, even when nothing is registered in it yet',
  })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentIdentity() identity: Identity, @Query('namespaceId') namespaceId?: string): MeDto {
    return {
      username: identity.username,
      admin: identity.admin,
      authEnabled: this.config.authEnabled,
      roles: this.directory.rolesOf(identity.username),
      permissions: this.directory.permissionsOf(identity.username),
      namespaces: namespaceAccess(identity, this.directory, this.config.authEnabled, this.namespaces.ids(namespaceId)),
    };
  }
}
