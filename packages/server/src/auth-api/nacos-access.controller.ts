import { Controller, Delete, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { AccessDirectory } from '../auth/access-directory.js';
import type { ParamReader } from '../http/param-reader.js';
import { Params, CurrentActor } from '../http/request-context.js';
import { page, restResult, type Page, type RestResult } from './nacos-results.js';
import type { Actor } from '../wire/actor.js';

/**
 * Nacos 1.4's /v1/auth administration of users, roles and permissions, as its console calls it
 * (admins only, decided by the guard; a user may change their own password). Password hashes
 * never leave.
 */
@Controller('nacos/v1/auth')
export class NacosAccessController {
  constructor(@Inject(AccessDirectory) private readonly directory: AccessDirectory) {}

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
  async createUser(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<RestResult> {
    await this.directory.createUser(p.required('username'), p.required('password'), actor);
    return restResult('create user ok!');
  }

  /** The user themself or an admin (the guard checks which). */
  @Put('users')
  async changePassword(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<RestResult> {
    await this.directory.changePassword(p.required('username'), p.required('newPassword'), actor);
    return restResult('update user ok!');
  }

  @Delete('users')
  async deleteUser(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<RestResult> {
    await this.directory.deleteUser(p.required('username'), actor);
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
  async bindRole(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<RestResult> {
    await this.directory.bindRole(p.required('role'), p.required('username'), actor);
    return restResult('add role ok!');
  }

  @Delete('roles')
  async unbindRole(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<RestResult> {
    const role = p.required('role');
    const username = p.get('username');
    await this.directory.unbindRole(role, username, actor);
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
  async grant(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<RestResult> {
    await this.directory.grant(p.required('role'), p.required('resource'), p.required('action'), actor);
    return restResult('add permission ok!');
  }

  @Delete('permissions')
  async revoke(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<RestResult> {
    await this.directory.revoke(p.required('role'), p.required('resource'), p.required('action'), actor);
    return restResult('delete permission ok!');
  }
}
