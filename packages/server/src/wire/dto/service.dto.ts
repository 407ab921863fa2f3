import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { InstanceDto } from './instance.dto.js';

export class ServiceSummaryDto {
  @ApiProperty() namespaceId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() groupName!: string;
  @ApiProperty() clusterCount!: number;
  @ApiProperty() instanceCount!: number;
  @ApiProperty() healthyCount!: number;
  @ApiProperty({
    description: 'Instances healthy and enabled: those clients are given (a disabled one is not serving)',
  })
  servingCount!: number;
  @ApiProperty({ description: 'Instances an operator or their client disabled, healthy or not' })
  disabledCount!: number;
  @ApiProperty() protectThreshold!: number;
  @ApiProperty({ description: 'healthy/total is at or below the protect threshold' })
  protectionReached!: boolean;
  @ApiProperty({ description: 'Registry revision of the last change to this service' })
  revision!: number;
  @ApiPropertyOptional({
    description:
      'When the service lost its last instance (epoch ms); set while that outage is recent (BEACON_OUTAGE_VISIBLE_MS)',
  })
  lostAllInstancesAt?: number;
}

export class ServiceListSummaryDto {
  @ApiProperty({ description: 'Services matching search and group (before the health filter)' }) services!: number;
  @ApiProperty({ description: 'Of those, services with at least one unhealthy instance' }) withUnhealthy!: number;
  @ApiProperty({ description: 'Of those, services with instances and none of them healthy' }) allDown!: number;
  @ApiProperty({
    description: 'Of those, services whose protect threshold is reached while some instance is still healthy',
  })
  protectionReached!: number;
  @ApiProperty({ description: 'Of those, services without instances' }) empty!: number;
  @ApiProperty({
    description: 'Of the empty ones, those that had instances and lost them all recently (BEACON_OUTAGE_VISIBLE_MS)',
  })
  outages!: number;
}

export class ServicePageDto {
  @ApiProperty({ type: [ServiceSummaryDto] }) items!: ServiceSummaryDto[];
  @ApiProperty({ description: 'Services that pass every filter' }) total!: number;
  @ApiProperty({ description: 'The page served; a page past the end is clamped to the last page' }) page!: number;
  @ApiProperty() pageSize!: number;
  @ApiProperty({ type: ServiceListSummaryDto }) summary!: ServiceListSummaryDto;
}

export class HealthCheckerDto {
  @ApiProperty({ enum: ['TCP', 'HTTP', 'MYSQL', 'NONE'] }) type!: 'TCP' | 'HTTP' | 'MYSQL' | 'NONE';
  @ApiPropertyOptional({ description: 'HTTP: the path probed' }) path?: string;
  @ApiPropertyOptional({ description: "HTTP: extra headers, 'Name:value|Name:value'" }) headers?: string;
}

export class ClusterDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: HealthCheckerDto }) healthChecker!: HealthCheckerDto;
  @ApiProperty({ description: 'Port probed when useInstancePort is false' }) checkPort!: number;
  @ApiProperty({ description: "Probe each instance's own port (else checkPort)" }) useInstancePort!: boolean;
  @ApiProperty({ type: [InstanceDto] }) instances!: InstanceDto[];
}

export class ClusterUpdateDto {
  @ApiPropertyOptional({ type: HealthCheckerDto, description: 'How persistent instances are checked' })
  healthChecker?: HealthCheckerDto;
  @ApiPropertyOptional({ minimum: 1, maximum: 65535 }) checkPort?: number;
  @ApiPropertyOptional() useInstancePort?: boolean;
}

export class SubscriberDto {
  @ApiProperty({
    enum: ['udp', 'watch', 'grpc'],
    description: 'A Nacos 1.x client receiving UDP pushes, a watch stream, or a Nacos 2.x gRPC connection',
  })
  kind!: 'udp' | 'watch' | 'grpc';
  @ApiProperty() ip!: string;
  @ApiProperty() port!: number;
  @ApiProperty({ description: 'User-Agent of the client' }) agent!: string;
  @ApiProperty() app!: string;
}

export class HealthPointDto {
  @ApiProperty({ description: 'From this time on (ms since the epoch)' }) at!: number;
  @ApiProperty() healthy!: number;
  @ApiProperty() unhealthy!: number;
}

export class HealthHistoryDto {
  @ApiProperty({ description: 'At most one point per this many ms' }) resolutionMs!: number;
  @ApiProperty({ description: 'How far back the server keeps points, in ms' }) keptMs!: number;
  @ApiProperty({
    type: [HealthPointDto],
    description: 'The state at the start of the window (when known), every change since, and the state now',
  })
  points!: HealthPointDto[];
}

export class ServiceDetailDto extends ServiceSummaryDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  metadata!: Record<string, string>;
  @ApiProperty({ enum: ['none', 'label'] }) selectorType!: 'none' | 'label';
  @ApiPropertyOptional({
    description:
      "The beat interval (ms) of instances without their own `preserved.heart.beat.interval`: the service metadata's `preserved.heart.beat.interval` (a Beacon extension; Nacos ignores it). Absent: the server's default applies",
  })
  defaultBeatIntervalMs?: number;
  @ApiProperty({ type: [ClusterDto] }) clusters!: ClusterDto[];
}

export class ServiceCreateDto {
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ default: 'DEFAULT_GROUP' }) groupName?: string;
  @ApiPropertyOptional({ default: 0 }) protectThreshold?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  metadata?: Record<string, string>;
}

export class ServiceUpdateDto {
  @ApiPropertyOptional() protectThreshold?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  metadata?: Record<string, string>;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1000,
    maximum: 3600000,
    nullable: true,
    description:
      'Default beat interval (ms) for instances without their own, stored as the service metadata key `preserved.heart.beat.interval` (a Beacon extension); it must be below the unhealthy timeout of every heartbeat instance it applies to; null removes it',
  })
  defaultBeatIntervalMs?: number | null;
}

export class NamespaceHealthDto extends ServiceListSummaryDto {
  @ApiProperty() namespaceId!: string;
  @ApiProperty() name!: string;
}

export class OverviewDto {
  @ApiProperty({ type: [NamespaceHealthDto], description: 'Every namespace the caller may read, public first' })
  namespaces!: NamespaceHealthDto[];
  @ApiProperty({
    type: [ServiceSummaryDto],
    description:
      'The worst services across those namespaces (lost every instance, protection reached, most unhealthy), at most 50',
  })
  worst!: ServiceSummaryDto[];
}
