import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { normalizeNamespace } from '@beacon/core';
import { ServiceCatalog } from '../application/service-catalog.js';
import { GroupDto } from '../wire/dto/group.dto.js';

@ApiTags('services')
@Controller('api/v1/namespaces/:namespaceId/groups')
export class GroupsController {
  constructor(@Inject(ServiceCatalog) private readonly catalog: ServiceCatalog) {}

  /** The groups in use, for the console's group filter; a group exists while it has services. */
  @Get()
  @ApiOperation({ operationId: 'listGroups', summary: 'Groups of a namespace with their service counts' })
  @ApiOkResponse({ type: [GroupDto] })
  list(@Param('namespaceId') namespaceId: string): GroupDto[] {
    return this.catalog.groups(normalizeNamespace(namespaceId));
  }
}
