import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Registry } from '@beacon/core';
import { ServerStatusHolder } from '../registry/server-status.js';
import { StatusDto } from './dto/status.dto.js';
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
}
