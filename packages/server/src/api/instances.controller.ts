import { Body, Controller, Inject, Param, Patch } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  NotFoundError,
  Registry,
  checkWeight,
  normalizeNamespace,
  toGroupedName,
  validateTimingEdit,
  mergeMetadataChanges,
  PreservedKeys,
  type InstanceAddress,
} from '@beacon/core';
import { BodyReader } from './body.js';
import { InstanceDto, InstancePatchDto } from './dto/instance.dto.js';
import { ErrorDto } from './dto/status.dto.js';
import { toInstanceDto } from './views.js';
import { parseJavaInt } from '../http/param-reader.js';

const TIMING_KEYS: readonly string[] = [
  PreservedKeys.beatInterval,
  PreservedKeys.beatTimeout,
  PreservedKeys.deleteTimeout,
];

@ApiTags('instances')
@Controller('api/v1/namespaces/:namespaceId/services/:groupName/:serviceName/instances')
export class InstancesController {
  constructor(@Inject(Registry) private readonly registry: Registry) {}

  /**
   * An operator's edit. Metadata keys become overrides that the next beat reply honours
   * (`preserved.heart.beat.interval` -> `clientBeatInterval`) and that survive re-registration.
   */
  @Patch(':clusterName/:ip/:port')
  @ApiOperation({ operationId: 'patchInstance', summary: "Edit an instance's weight, enabled flag or metadata" })
  @ApiBody({ type: InstancePatchDto })
  @ApiOkResponse({ type: InstanceDto })
  @ApiResponse({ status: 400, type: ErrorDto, description: 'Invalid values; nothing was changed' })
  @ApiResponse({ status: 404, type: ErrorDto })
  patch(
    @Param('namespaceId') namespaceId: string,
    @Param('groupName') groupName: string,
    @Param('serviceName') serviceName: string,
    @Param('clusterName') clusterName: string,
    @Param('ip') ip: string,
    @Param('port') portText: string,
    @Body() body: unknown,
  ): InstanceDto {
    const address: InstanceAddress = {
      namespaceId: normalizeNamespace(namespaceId),
      serviceName: toGroupedName(serviceName, groupName),
      clusterName,
      ip,
      port: parseJavaInt(portText),
    };
    const instance = this.registry.findInstance(address);
    if (!instance)
      throw new NotFoundError(`instance ${ip}:${address.port} not found in ${address.serviceName}/${clusterName}`);

    // Validate everything before changing anything.
    const b = new BodyReader(body);
    const weight = b.number('weight', 0, 10000);
    if (weight !== undefined) checkWeight(weight);
    const enabled = b.boolean('enabled');
    const metadata = b.stringMap('metadata', true);
    if (metadata && Object.keys(metadata).some((k) => TIMING_KEYS.includes(k))) {
      validateTimingEdit(mergeMetadataChanges(instance.metadata, metadata));
    }

    if (metadata && Object.keys(metadata).length > 0) this.registry.editInstanceMetadata(address, metadata);
    if (weight !== undefined || enabled !== undefined) {
      this.registry.patchInstance({
        ...address,
        ...(weight !== undefined ? { weight } : {}),
        ...(enabled !== undefined ? { enabled } : {}),
      });
    }
    return toInstanceDto(instance, this.registry);
  }
}
