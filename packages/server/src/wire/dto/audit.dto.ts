import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUDIT_TARGET_TYPES } from '../../audit/audit-entry.js';

export class AuditEntryDto {
  @ApiProperty({ description: 'Increases with every entry' }) id!: number;
  @ApiProperty({ description: 'When the write was done, ms since the epoch' }) at!: number;
  @ApiProperty({ description: 'Who did it: the user (`anonymous` with BEACON_AUTH=off)' }) actor!: string;
  @ApiProperty({ description: "The peer address of the writer's connection" }) address!: string;
  @ApiProperty({ description: 'What was done: `editInstance`, `updateService`, `grantPermission`, ...' })
  action!: string;
  @ApiProperty({ enum: AUDIT_TARGET_TYPES }) targetType!: string;
  @ApiProperty({
    description:
      'What it was done to: `<namespace>[/<group>@@<service>[/<cluster>[/<ip>:<port>]]]`, `user:<name>`, `role:<name>`, `switches`, `server-status`',
  })
  target!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The target before (null: it did not exist); secrets never appear',
  })
  before!: Record<string, unknown> | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The target after (null: it is gone)',
  })
  after!: Record<string, unknown> | null;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto], description: 'Newest first' }) items!: AuditEntryDto[];
  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next (older) page; absent on the last page' })
  nextCursor?: string;
}
