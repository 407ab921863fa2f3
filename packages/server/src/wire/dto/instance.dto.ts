import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TimingsDto {
  @ApiProperty({ description: 'Beat interval the client is told to use, in ms' })
  intervalMs!: number;
  @ApiProperty({ description: 'Silence after which the instance is marked unhealthy, in ms' })
  timeoutMs!: number;
  @ApiProperty({ description: 'Silence after which the instance is deleted, in ms' })
  deleteTimeoutMs!: number;
  @ApiProperty({ description: 'Whether the interval comes from metadata (else the server default applies)' })
  intervalFromMetadata!: boolean;
  @ApiProperty({
    enum: ['instance', 'service', 'server'],
    description:
      "Where the interval comes from: the instance's metadata, its service's default beat interval, or the server switch",
  })
  intervalSource!: 'instance' | 'service' | 'server';
}

export class ClientValuesDto {
  @ApiProperty() weight!: number;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  metadata!: Record<string, string>;
}

export class CheckResultDto {
  @ApiProperty({ description: 'When the last active check settled, ms since the epoch' }) at!: number;
  @ApiProperty({ enum: ['ok', 'fail', 'fail-now'] }) outcome!: 'ok' | 'fail' | 'fail-now';
  @ApiProperty({ description: 'Response time of that check, ms' }) rtMs!: number;
  @ApiPropertyOptional({ description: 'Why the last check failed' }) reason?: string;
  @ApiPropertyOptional({ description: 'When a check last failed, kept after recovery' }) lastFailureAt?: number;
  @ApiPropertyOptional() lastFailureReason?: string;
}

export class InstanceDto {
  @ApiProperty() instanceId!: string;
  @ApiProperty() ip!: string;
  @ApiProperty() port!: number;
  @ApiProperty() clusterName!: string;
  @ApiProperty() healthy!: boolean;
  @ApiProperty() enabled!: boolean;
  @ApiProperty() ephemeral!: boolean;
  @ApiProperty({
    enum: ['heartbeat', 'connection', 'active-check'],
    description:
      'What keeps it registered: client beats (1.x ephemeral), a gRPC connection (2.x ephemeral: the beat timings do not apply), or server checks (persistent)',
  })
  liveness!: 'heartbeat' | 'connection' | 'active-check';
  @ApiProperty() weight!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  metadata!: Record<string, string>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Metadata keys set by an operator; they survive re-registration and restarts',
  })
  overrides!: Record<string, string>;
  @ApiProperty({ description: 'Whether `weight` is set by an operator rather than the client' })
  weightOverridden!: boolean;
  @ApiProperty({ description: 'Whether `enabled` is set by an operator rather than the client' })
  enabledOverridden!: boolean;
  @ApiProperty({
    type: ClientValuesDto,
    description: "The client's own weight, enabled flag and metadata: what shows wherever no override is set",
  })
  client!: ClientValuesDto;
  @ApiProperty({ description: 'Time of the last beat (or registration), ms since the epoch' })
  lastBeat!: number;
  @ApiProperty({ description: 'Time of the first registration, ms since the epoch' })
  registeredAt!: number;
  @ApiProperty({ type: TimingsDto })
  timings!: TimingsDto;
  @ApiPropertyOptional({ type: CheckResultDto, description: 'Persistent instances: the last active health check' })
  lastCheck?: CheckResultDto;
}

export class InstancePatchDto {
  @ApiPropertyOptional({
    type: 'number',
    minimum: 0,
    maximum: 10000,
    nullable: true,
    description: "An override of the client's weight; null removes it",
  })
  weight?: number | null;
  @ApiPropertyOptional({
    type: 'boolean',
    nullable: true,
    description: "An override of the client's enabled flag; null removes it",
  })
  enabled?: boolean | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', nullable: true },
    description: "Keys to override (string), or whose override to remove (null), so the client's value shows again",
  })
  metadata?: Record<string, string | null>;
}

export class InstanceSelectorDto {
  @ApiProperty() clusterName!: string;
  @ApiProperty() ip!: string;
  @ApiProperty() port!: number;
}

export class InstancesBulkPatchDto {
  @ApiProperty({
    type: [InstanceSelectorDto],
    minItems: 1,
    maxItems: 5000,
    description:
      'The instances of the service to edit (the console sends those selected, or all that match its filter)',
  })
  instances!: InstanceSelectorDto[];
  @ApiProperty({
    type: InstancePatchDto,
    description: 'The edit of each instance, as for one instance: values become overrides, null removes one',
  })
  patch!: InstancePatchDto;
}

export class InstanceBulkResultDto extends InstanceSelectorDto {
  @ApiProperty({
    enum: ['updated', 'not-found', 'rejected'],
    description:
      'Edited; gone meanwhile; or refused by a rule of this instance (e.g. its timeout below the new interval)',
  })
  outcome!: 'updated' | 'not-found' | 'rejected';
  @ApiPropertyOptional({ description: 'Why the instance was not edited' }) message?: string;
  @ApiPropertyOptional({ type: InstanceDto, description: 'The instance after the edit' }) instance?: InstanceDto;
}

export class InstancesBulkPatchResultDto {
  @ApiProperty({ description: 'How many instances were edited' }) updated!: number;
  @ApiProperty({ type: [InstanceBulkResultDto], description: 'One result per instance named, in the order given' })
  results!: InstanceBulkResultDto[];
}
