import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AUDIT_TARGET_TYPES, AuditLog } from '../application/audit-log.js';
import { queryInt } from '../http/query-values.js';
import { AuditPageDto } from '../wire/dto/audit.dto.js';
import { ErrorDto } from '../wire/dto/status.dto.js';

/** The audit trail of operator writes (admins only: route-policy.ts). */
@ApiTags('audit')
@ApiResponse({ status: 400, type: ErrorDto, description: 'Invalid request' })
@ApiResponse({ status: 401, type: ErrorDto, description: 'No valid credentials' })
@ApiResponse({ status: 403, type: ErrorDto, description: 'Not an admin' })
@Controller('api/v1/audit')
export class AuditController {
  constructor(@Inject(AuditLog) private readonly audit: AuditLog) {}

  @Get()
  @ApiOperation({
    operationId: 'listAudit',
    summary: 'Operator writes, newest first, with who, from where, when, what, before and after (admins)',
  })
  @ApiQuery({
    name: 'target',
    required: false,
    description:
      'A target (`public/DEFAULT_GROUP@@orders`, `user:alice`): its entries and those of everything below it',
  })
  @ApiQuery({ name: 'targetType', required: false, enum: AUDIT_TARGET_TYPES })
  @ApiQuery({ name: 'actor', required: false, description: 'Exact user name' })
  @ApiQuery({ name: 'action', required: false, description: 'Exact action, e.g. `editInstance`' })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601 or ms since the epoch, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601 or ms since the epoch, exclusive' })
  @ApiQuery({ name: 'cursor', required: false, description: "The previous page's `nextCursor`" })
  @ApiQuery({ name: 'pageSize', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } })
  @ApiOkResponse({ type: AuditPageDto })
  async list(
    @Query('target') target?: string,
    @Query('targetType') targetType?: string,
    @Query('actor') actor?: string,
    @Query('action') action?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('cursor') cursor?: string,
    @Query('pageSize') pageSizeText?: string,
  ): Promise<AuditPageDto> {
    const pageSize = queryInt('pageSize', pageSizeText, 50, 1, 500);
    const page = await this.audit.search({ target, targetType, actor, action, from, to, cursor, pageSize });
    return {
      items: page.items.map(({ user, before, after, ...rest }) => ({
        ...rest,
        actor: user,
        before: before as AuditPageDto['items'][number]['before'],
        after: after as AuditPageDto['items'][number]['after'],
      })),
      ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    };
  }
}
