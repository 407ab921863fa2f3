import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PUBLIC_NAMESPACE, Registry } from '@beacon/core';
import { AccessDirectory } from '../auth/access-directory.js';
import type { Identity } from '../auth/authenticator.js';
import { CurrentIdentity } from '../auth/current-identity.js';
import { ServerStatusHolder } from '../registry/server-status.js';
import { NamespaceDto, StatusDto } from './dto/status.dto.js';
import { WatchChangeDto, WatchSnapshotDto } from './dto/watch.dto.js';

export const BEACON_VERSION = '0.1.0';

@ApiTags('status')
// The watch stream's event payloads, so that clients get their types from the spec too.
@ApiExtraModels(WatchSnapshotDto, WatchChangeDto)
@Controller('api/v1')
export class StatusController {
  private readonly startedAt = Date.now();

  constructor(
    @Inject(Registry) private readonly registry: Registry,
    @Inject(ServerStatusHolder) private readonly status: ServerStatusHolder,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
  ) {}

  @Get('status')
  @ApiOperation({ operationId: 'getStatus', summary: 'Server status and registry size' })
  @ApiOkResponse({ type: StatusDto })
  getStatus(): StatusDto {
    const now = Date.now();
    return {
      status: this.status.current,
      version: BEACON_VERSION,
      serviceCount: this.registry.serviceCount(),
      instanceCount: this.registry.instanceCount(),
      revision: this.registry.currentRevision,
      uptimeMs: now - this.startedAt,
      now,
    };
  }

  @Get('namespaces')
  @ApiOperation({ operationId: 'listNamespaces', summary: 'Namespaces the caller may read, public first' })
  @ApiOkResponse({ type: [NamespaceDto] })
  namespaces(@CurrentIdentity() identity: Identity): NamespaceDto[] {
    const count = (id: string) => [...this.registry.services(id)].length;
    const custom = this.registry.namespaceRecordList();
    const ids = new Set(custom.map((r) => r.id));
    const all: NamespaceDto[] = [
      { id: PUBLIC_NAMESPACE, name: 'public', description: 'Public Namespace', serviceCount: count(PUBLIC_NAMESPACE) },
      ...custom.map((r) => ({ id: r.id, name: r.name, description: r.description, serviceCount: count(r.id) })),
      // Namespaces that sprang into being through registrations, as Nacos allows.
      ...this.registry
        .namespaceIds()
        .filter((id) => id !== PUBLIC_NAMESPACE && !ids.has(id))
        .map((id) => ({ id, name: id, description: '', serviceCount: count(id) })),
    ];
    return identity.admin ? all : all.filter((ns) => this.directory.readsInNamespace(identity.username, ns.id));
  }
}
