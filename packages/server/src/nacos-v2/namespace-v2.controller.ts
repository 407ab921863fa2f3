import { Controller, Delete, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { NamespaceService, type ConsoleNamespace } from '../application/namespace-service.js';
import { success, type NacosResult } from '../http/nacos-v2-result.js';
import type { ParamReader } from '../http/param-reader.js';
import { Params, CurrentActor } from '../http/request-context.js';
import type { NamespaceV2 } from './responses.js';
import type { Actor } from '../wire/actor.js';

/**
 * Nacos 2.x's NamespaceControllerV2, with the native API's stricter rules: a bad or taken id is
 * 400 (22000), an unknown namespace 404 (22001), instead of Nacos's silent `true`.
 */
@Controller('nacos/v2/console/namespace')
export class NamespaceV2Controller {
  constructor(@Inject(NamespaceService) private readonly namespaces: NamespaceService) {}

  @Get('list')
  list(): NacosResult<NamespaceV2[]> {
    return success(this.namespaces.consoleNamespaces().map(namespaceOf));
  }

  @Get()
  one(@Params() p: ParamReader): NacosResult<NamespaceV2> {
    return success(namespaceOf(this.namespaces.requireConsoleNamespace(p.required('namespaceId'))));
  }

  /** A blank `namespaceId` gets a random one, as in Nacos. */
  @Post()
  @HttpCode(200)
  async create(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<NacosResult<boolean>> {
    const name = p.required('namespaceName');
    await this.namespaces.define({ id: p.get('namespaceId'), name, description: p.get('namespaceDesc') }, actor);
    return success(true);
  }

  @Put()
  async update(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<NacosResult<boolean>> {
    const id = p.required('namespaceId');
    const name = p.required('namespaceName');
    await this.namespaces.redefine(id, { name, description: p.get('namespaceDesc') }, actor);
    return success(true);
  }

  @Delete()
  async remove(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<NacosResult<boolean>> {
    await this.namespaces.delete(p.required('namespaceId'), actor);
    return success(true);
  }
}

function namespaceOf(n: ConsoleNamespace): NamespaceV2 {
  return {
    namespace: n.id,
    namespaceShowName: n.name,
    namespaceDesc: n.description,
    quota: n.quota,
    configCount: 0,
    type: n.type,
  };
}
