import { Body, Controller, Inject, Param, Patch } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InvalidParameterError, normalizeNamespace, toGroupedName } from '@beacon/core';
import { MAX_BULK_EDIT_INSTANCES, OperatorService } from '../application/operator-service.js';
import { BodyReader } from '../http/body-reader.js';
import { parseJavaInt } from '../http/param-reader.js';
import {
  InstanceDto,
  InstancePatchDto,
  InstancesBulkPatchDto,
  InstancesBulkPatchResultDto,
} from '../wire/dto/instance.dto.js';
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
    const instance = await this.operator.editInstance(address, operatorEditOf(new BodyReader(body)), actor);
    return this.views.instance(instance);
  }

  /**
   * One edit of many instances of the service (selected in the console, or all that match its
   * filter), each applied atomically as the edit of one instance is, with the same rules. A bad
   * patch or selector list is a 400 and changes nothing; an instance that refuses the edit or is
   * gone is reported in its own result.
   */
  @Patch()
  @ApiOperation({
    operationId: 'patchInstances',
    summary: 'Edit the weight, enabled flag or metadata of many instances of a service at once',
  })
  @ApiBody({ type: InstancesBulkPatchDto })
  @ApiOkResponse({ type: InstancesBulkPatchResultDto })
  @ApiResponse({ status: 400, type: ErrorDto, description: 'Invalid patch or instance list; nothing was changed' })
  @ApiResponse({ status: 404, type: ErrorDto, description: 'No such service' })
  async patchMany(
    @Param('namespaceId') namespaceId: string,
    @Param('groupName') groupName: string,
    @Param('serviceName') serviceName: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
  ): Promise<InstancesBulkPatchResultDto> {
    const b = new BodyReader(body);
    const targets = b.objects('instances', MAX_BULK_EDIT_INSTANCES).map((t, n) => {
      const clusterName = t.string('clusterName');
      const ip = t.string('ip');
      const port = t.number('port', 0, 65535);
      if (!clusterName || !ip || port === undefined || !Number.isInteger(port)) {
        throw new InvalidParameterError(`instances[${n}] must have clusterName, ip and a whole port`);
      }
      return { clusterName, ip, port };
    });
    const results = await this.operator.editInstances(
      normalizeNamespace(namespaceId),
      toGroupedName(serviceName, groupName),
      targets,
      operatorEditOf(b.object('patch')),
      actor,
    );
    return {
      updated: results.filter((r) => r.outcome === 'updated').length,
      results: results.map((r) => {
        const at = { clusterName: r.clusterName, ip: r.ip, port: r.port, outcome: r.outcome };
        return r.outcome === 'updated'
          ? { ...at, instance: this.views.instance(r.instance) }
          : { ...at, message: r.message };
      }),
    };
  }
}

/** An operator's edit as the native API takes it: a value sets an override, null removes it. */
function operatorEditOf(b: BodyReader) {
  return {
    weight: b.number('weight', 0, 10000, true),
    enabled: b.boolean('enabled', true),
    metadata: b.stringMap('metadata', true),
  };
}
