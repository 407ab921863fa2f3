import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NamespaceService } from '../application/namespace-service.js';
import { OperatorService } from '../application/operator-service.js';
import { AccessDirectory } from '../auth/access-directory.js';
import type { Identity } from '../auth/authenticator.js';
import { CurrentIdentity } from '../auth/current-identity.js';
import { NamespaceDto, StatusDto } from '../wire/dto/status.dto.js';
import { WatchChangeDto, WatchSnapshotDto } from '../wire/dto/watch.dto.js';

export const BEACON_VERSION = '0.1.0';

@ApiTags('status')
// The watch stream's event payloads, so that clients get their types from the spec too.
@ApiExtraModels(WatchSnapshotDto, WatchChangeDto)
@Controller('api/v1')
export class StatusController {
  private readonly startedAt = Date.now();

  constructor(
    @Inject(OperatorService) private readonly operator: OperatorService,
    @Inject(NamespaceService) private readonly namespaceService: NamespaceService,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
  ) {}

  @Get('status')
  @ApiOperation({ operationId: 'getStatus', summary: 'Server status and registry size' })
  @ApiOkResponse({ type: StatusDto })
  getStatus(): StatusDto {
    const now = Date.now();
    const { status, serviceCount, instanceCount, revision } = this.operator.figures();
    return {
      status,
      version: BEACON_VERSION,
      serviceCount,
      instanceCount,
      revision,
      uptimeMs: now - this.startedAt,
      now,
    };
  }

  @Get('namespaces')
  @ApiOperation({ operationId: 'listNamespaces', summary: 'Namespaces the caller may read, public first' })
  @ApiOkResponse({ type: [NamespaceDto] })
  namespaces(@CurrentIdentity() identity: Identity): NamespaceDto[] {
    const all = this.namespaceService.list();
    return identity.admin ? all : all.filter((ns) => this.directory.readsInNamespace(identity.username, ns.id));
  }
}
