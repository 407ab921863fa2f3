import { Body, Controller, Inject, Param, Patch } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { normalizeNamespace, toGroupedName } from '@beacon/core';
import { OperatorService } from '../application/operator-service.js';
import { BodyReader } from '../http/body-reader.js';
import { parseJavaInt } from '../http/param-reader.js';
import { InstanceDto, InstancePatchDto } from '../wire/dto/instance.dto.js';
import { ErrorDto } from '../wire/dto/status.dto.js';
import { NativeViews } from '../wire/native-views.js';
import { CurrentActor } from '../http/request-context.js';
import type { Actor } from '../wire/actor.js';

@ApiTags('instances')
@Controller('api/v1/namespaces/:namespaceId/services/:groupName/:serviceName/instances')
export class InstancesController {
  constructor(
    @Inject(OperatorService) private readonly operator: OperatorService,
    @Inject(NativeViews) private readonly views: NativeViews,
  ) {}

  /**
   * An operator's edit, applied as one change. Weight, enabled and metadata keys become overrides
   * that survive re-registration and restarts (the next beat reply honours
   * `preserved.heart.beat.interval`); `null` removes an override, so the client's value shows again.
   */
  @Patch(':clusterName/:ip/:port')
  @ApiOperation({ operationId: 'patchInstance', summary: "Edit an instance's weight, enabled flag or metadata" })
  @ApiBody({ type: InstancePatchDto })
  @ApiOkResponse({ type: InstanceDto })
  @ApiResponse({ status: 400, type: ErrorDto, description: 'Invalid values; nothing was changed' })
  @ApiResponse({ status: 404, type: ErrorDto })
  async patch(
    @Param('namespaceId') namespaceId: string,
    @Param('groupName') groupName: string,
    @Param('serviceName') serviceName: string,
    @Param('clusterName') clusterName: string,
    @Param('ip') ip: string,
    @Param('port') portText: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
  ): Promise<InstanceDto> {
    const address = {
      namespaceId: normalizeNamespace(namespaceId),
      serviceName: toGroupedName(serviceName, groupName),
      clusterName,
      ip,
      port: parseJavaInt(portText),
    };
    const b = new BodyReader(body);
    const instance = await this.operator.editInstance(
      address,
      {
        weight: b.number('weight', 0, 10000, true),
        enabled: b.boolean('enabled', true),
        metadata: b.stringMap('metadata', true),
      },
      actor,
    );
    return this.views.instance(instance);
  }
}
