import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Registry, compareNames, normalizeNamespace } from '@beacon/core';
import { GroupDto } from './dto/group.dto.js';

@ApiTags('services')
@Controller('api/v1/namespaces/:namespaceId/groups')
export class GroupsController {
  constructor(@Inject(Registry) private readonly registry: Registry) {}

  /** The groups in use, for the console's group filter; a group exists while it has services. */
  @Get()
  @ApiOperation({ operationId: 'listGroups', summary: 'Groups of a namespace with their service counts' })
  @ApiOkResponse({ type: [GroupDto] })
  list(@Param('namespaceId') namespaceId: string): GroupDto[] {
    const counts = new Map<string, number>();
    for (const s of this.registry.services(normalizeNamespace(namespaceId))) {
      counts.set(s.groupName, (counts.get(s.groupName) ?? 0) + 1);
    }
    return [...counts].sort(([a], [b]) => compareNames(a, b)).map(([name, serviceCount]) => ({ name, serviceCount }));
  }
}
