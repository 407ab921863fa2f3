import { Controller, Delete, Get, HttpCode, HttpException, HttpStatus, Inject, Post, Put } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PUBLIC_NAMESPACE, Registry } from '@beacon/core';
import { Params } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import { ServerStatusHolder } from '../registry/server-status.js';

const NAMESPACE_ID = /^[\w-]+$/;

/** The console endpoints Nacos clients and tools call: namespaces, server state, probes. */
@Controller('nacos/v1/console')
export class ConsoleController {
  constructor(
    @Inject(Registry) private readonly registry: Registry,
    @Inject(ServerStatusHolder) private readonly status: ServerStatusHolder,
  ) {}

  @Get('namespaces')
  namespaces(@Params() p: ParamReader): unknown {
    if (p.bool('checkNamespaceIdExist', false)) {
      const id = p.required('customNamespaceId');
      return id === PUBLIC_NAMESPACE || this.registry.namespaceRecord(id) !== undefined;
    }
    if (p.get('show') === 'all') {
      const id = p.get('namespaceId') ?? '';
      const record = this.registry.namespaceRecord(id);
      const isPublic = id === '' || id === PUBLIC_NAMESPACE;
      return {
        namespace: isPublic ? '' : id,
        namespaceShowName: isPublic ? 'public' : (record?.name ?? id),
        quota: 200,
        configCount: 0,
        type: isPublic ? 0 : 2,
        namespaceDesc: isPublic ? 'Public Namespace' : (record?.description ?? ''),
      };
    }
    const data = [
      { namespace: '', namespaceShowName: 'public', quota: 200, configCount: 0, type: 0 },
      ...this.registry
        .namespaceRecordList()
        .map((r) => ({ namespace: r.id, namespaceShowName: r.name, quota: 200, configCount: 0, type: 2 })),
    ];
    return { code: 200, message: null, data };
  }

  /** As in 1.4: `false` (not an error) for an id that is malformed, too long or taken. */
  @Post('namespaces')
  @HttpCode(200)
  createNamespace(@Params() p: ParamReader): boolean {
    const id = p.get('customNamespaceId') ?? randomUUID();
    if (!NAMESPACE_ID.test(id) || id.length > 128) return false;
    if (id === PUBLIC_NAMESPACE || this.registry.namespaceRecord(id)) return false;
    this.registry.putNamespace({
      id,
      name: p.required('namespaceName'),
      description: p.get('namespaceDesc') ?? '',
    });
    return true;
  }

  /** Edits a namespace, or names one that sprang into being; `false` for an id POST would refuse. */
  @Put('namespaces')
  updateNamespace(@Params() p: ParamReader): boolean {
    const id = p.required('namespace');
    const existing = this.registry.namespaceRecord(id);
    if (!existing && (!NAMESPACE_ID.test(id) || id.length > 128)) return false;
    this.registry.putNamespace({
      id,
      name: p.get('namespaceShowName') ?? existing?.name ?? id,
      description: p.get('namespaceDesc') ?? existing?.description ?? '',
    });
    return true;
  }

  @Delete('namespaces')
  deleteNamespace(@Params() p: ParamReader): boolean {
    this.registry.deleteNamespace(p.required('namespaceId'));
    return true;
  }

  @Get('server/state')
  state(): object {
    return { version: '1.4.8', standalone_mode: 'standalone', function_mode: 'naming' };
  }

  @Get('health/liveness')
  liveness(): string {
    return 'OK';
  }

  @Get('health/readiness')
  readiness(): string {
    if (this.status.current !== 'UP') {
      throw new HttpException('Naming is not in readiness', HttpStatus.INTERNAL_SERVER_ERROR);
    }
    return 'OK';
  }
}
