import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperatorService } from '../application/operator-service.js';
import { StatusDto } from '../wire/dto/status.dto.js';
import { WatchChangeDto, WatchSnapshotDto } from '../wire/dto/watch.dto.js';

export const BEACON_VERSION = '0.1.0';

@ApiTags('status')
// The watch stream's event payloads, so that clients get their types from the spec too.
@ApiExtraModels(WatchSnapshotDto, WatchChangeDto)
@Controller('api/v1')
export class StatusController {
  private readonly startedAt = Date.now();

  constructor(@Inject(OperatorService) private readonly operator: OperatorService) {}

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
}
