import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InvalidParameterError } from '@beacon/core';
import { AccessDirectory } from '../auth/access-directory.js';
import { BodyReader } from '../http/body-reader.js';
import { ErrorDto } from '../wire/dto/status.dto.js';
import { PasswordChangeDto, PermissionDto, RoleBindingDto, UserCreateDto, UserDto } from './dto/auth.dto.js';
import { passwordOf } from './password-of.js';
import { CurrentActor } from '../http/request-context.js';
import type { Actor } from '../wire/actor.js';

/**
 * The native administration of users, roles and permissions, for the console and the SDK: the same
 * records as the Nacos face's. Who may call what is decided by the guard (route-policy.ts).
 */
@ApiTags('auth')
@ApiResponse({ status: 400, type: ErrorDto, description: 'Invalid request' })
@ApiResponse({ status: 401, type: ErrorDto, description: 'No valid credentials' })
@ApiResponse({ status: 403, type: ErrorDto, description: 'Not permitted' })
@Controller('api/v1/auth')
export class ApiAccessController {
  constructor(@Inject(AccessDirectory) private readonly directory: AccessDirectory) {}

  @Get('users')
  @ApiOperation({ operationId: 'listUsers', summary: 'All users with their roles and permissions (admins)' })
  @ApiOkResponse({ type: [UserDto] })
  users(): UserDto[] {
    return this.directory.userList().map((u) => this.userDto(u.username));
  }

  @Post('users')
  @HttpCode(201)
  @ApiOperation({ operationId: 'createUser', summary: 'Create a user (admins)' })
  @ApiBody({ type: UserCreateDto })
  @ApiResponse({ status: 201, type: UserDto })
  @ApiResponse({ status: 409, type: ErrorDto, description: 'The user exists' })
  async createUser(@Body() body: unknown, @CurrentActor() actor: Actor): Promise<UserDto> {
    const b = new BodyReader(body);
    const username = b.string('username');
    if (!username) throw new InvalidParameterError('username is required');
    await this.directory.createUser(username, passwordOf(body), actor);
    return this.userDto(username);
  }

  @Put('users/:username/password')
  @HttpCode(204)
  @ApiOperation({ operationId: 'changePassword', summary: 'Change a password (your own, or anyone’s as admin)' })
  @ApiBody({ type: PasswordChangeDto })
  @ApiResponse({ status: 204, description: 'Changed; tokens issued before now stop working' })
  @ApiResponse({ status: 404, type: ErrorDto })
  async changePassword(
    @Param('username') username: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.directory.changePassword(username, passwordOf(body), actor);
  }

  @Delete('users/:username')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteUser', summary: 'Delete a user and their role bindings (admins)' })
  @ApiResponse({ status: 204, description: 'Deleted; their tokens stop working' })
  @ApiResponse({ status: 404, type: ErrorDto })
  async deleteUser(@Param('username') username: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.directory.deleteUser(username, actor);
  }

  @Get('roles')
  @ApiOperation({ operationId: 'listRoles', summary: 'Role bindings (admins)' })
  @ApiOkResponse({ type: [RoleBindingDto] })
  roles(): RoleBindingDto[] {
    return this.directory.roleBindings();
  }

  @Post('roles')
  @HttpCode(201)
  @ApiOperation({ operationId: 'bindRole', summary: 'Give a user a role (admins)' })
  @ApiBody({ type: RoleBindingDto })
  @ApiResponse({ status: 201, type: RoleBindingDto })
  async bindRole(@Body() body: unknown, @CurrentActor() actor: Actor): Promise<RoleBindingDto> {
    const b = new BodyReader(body);
    const role = b.string('role') ?? '';
    const username = b.string('username') ?? '';
    await this.directory.bindRole(role, username, actor);
    return { role, username };
  }

  @Delete('roles/:role')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'unbindRole',
    summary: 'Take a role from one user, or from everyone when username is omitted (admins)',
  })
  @ApiQuery({ name: 'username', required: false })
  @ApiResponse({ status: 204, description: 'Removed; a role nobody holds loses its permissions' })
  @ApiResponse({ status: 404, type: ErrorDto })
  async unbindRole(
    @CurrentActor() actor: Actor,
    @Param('role') role: string,
    @Query('username') username?: string,
  ): Promise<void> {
    await this.directory.unbindRole(role, username?.trim() || undefined, actor);
  }

  @Get('permissions')
  @ApiOperation({ operationId: 'listPermissions', summary: 'Permissions of every role (admins)' })
  @ApiOkResponse({ type: [PermissionDto] })
  permissions(): PermissionDto[] {
    return this.directory.permissionList();
  }

  @Post('permissions')
  @HttpCode(201)
  @ApiOperation({ operationId: 'grantPermission', summary: 'Let a role read (r) or read and write (rw) resources' })
  @ApiBody({ type: PermissionDto })
  @ApiResponse({ status: 201, type: PermissionDto })
  grant(@Body() body: unknown, @CurrentActor() actor: Actor): Promise<PermissionDto> {
    const b = new BodyReader(body);
    return this.directory.grant(b.string('role') ?? '', b.string('resource') ?? '', b.string('action') ?? '', actor);
  }

  @Delete('permissions')
  @HttpCode(204)
  @ApiOperation({ operationId: 'revokePermission', summary: 'Remove a permission (admins)' })
  @ApiQuery({ name: 'role', required: true })
  @ApiQuery({ name: 'resource', required: true })
  @ApiQuery({ name: 'action', required: true, enum: ['r', 'w', 'rw'] })
  @ApiResponse({ status: 204, description: 'Removed' })
  @ApiResponse({ status: 404, type: ErrorDto })
  async revoke(
    @CurrentActor() actor: Actor,
    @Query('role') role?: string,
    @Query('resource') resource?: string,
    @Query('action') action?: string,
  ): Promise<void> {
    await this.directory.revoke(role ?? '', resource ?? '', action ?? '', actor);
  }

  private userDto(username: string): UserDto {
    const user = this.directory.user(username);
    return {
      username,
      admin: this.directory.isAdmin(username),
      roles: this.directory.rolesOf(username),
      permissions: this.directory.permissionsOf(username),
      createdAt: user?.createdAt ?? 0,
    };
  }
}
