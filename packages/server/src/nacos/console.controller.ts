import { Controller, Delete, Get, HttpCode, HttpException, HttpStatus, Inject, Post, Put } from '@nestjs/common';
import { NamespaceService, type ConsoleNamespace } from '../application/namespace-service.js';
import { OperatorService } from '../application/operator-service.js';
import { Params, CurrentActor } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import type { NacosNamespace, NacosNamespaceDetail, NacosNamespaceList, ServerState } from './responses.js';
import type { Actor } from '../wire/actor.js';

/** The console endpoints Nacos clients and tools call: namespaces, server state, probes. */
@Controller('nacos/v1/console')
export class ConsoleController {
  constructor(
    @Inject(NamespaceService) private readonly namespaces: NamespaceService,
    @Inject(OperatorService) private readonly operator: OperatorService,
  ) {}

  /** One endpoint, three answers: an existence check, one namespace (`show=all`), or the list. */
  @Get('namespaces')
  list(@Params() p: ParamReader): boolean | NacosNamespaceDetail | NacosNamespaceList {
    if (p.bool('checkNamespaceIdExist', false)) return this.namespaces.exists(p.required('customNamespaceId'));
    if (p.get('show') === 'all') {
      const n = this.namespaces.consoleNamespace(p.get('namespaceId') ?? '');
      return { ...entryOf(n), namespaceDesc: n.description };
    }
    const data = this.namespaces.consoleNamespaces().map(entryOf);
    return { code: 200, message: null, data };
  }

  /** As in 1.4: `false` (not an error) for an id that is malformed, too long or taken. */
  @Post('namespaces')
  @HttpCode(200)
  async create(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<boolean> {
    return await this.namespaces.create(
      p.get('customNamespaceId'),
      p.get('namespaceName'),
      p.get('namespaceDesc') ?? '',
      actor,
    );
  }

  /** Edits a namespace (or makes one by editing an unknown id); `false` for an id POST would refuse. */
  @Put('namespaces')
  async update(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<boolean> {
    return await this.namespaces.update(
      p.required('namespace'),
      p.get('namespaceShowName'),
      p.get('namespaceDesc'),
      actor,
    );
  }

  @Delete('namespaces')
  async remove(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<boolean> {
    await this.namespaces.delete(p.required('namespaceId'), actor);
    return true;
  }

  @Get('server/state')
  state(): ServerState {
    return { version: '1.4.8', standalone_mode: 'standalone', function_mode: 'naming' };
  }

  @Get('health/liveness')
  liveness(): string {
    return 'OK';
  }

  @Get('health/readiness')
  readiness(): string {
    if (this.operator.serverStatus !== 'UP') {
      throw new HttpException('Naming is not in readiness', HttpStatus.INTERNAL_SERVER_ERROR);
    }
    return 'OK';
  }
}

function entryOf(n: ConsoleNamespace): NacosNamespace {
  return { namespace: n.id, namespaceShowName: n.name, quota: n.quota, configCount: 0, type: n.type };
}
