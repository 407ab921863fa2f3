import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { InstanceDto } from './instance.dto.js';

export class ServiceSummaryDto {
  @ApiProperty() namespaceId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() groupName!: string;
  @ApiProperty() clusterCount!: number;
  @ApiProperty() instanceCount!: number;
  @ApiProperty() healthyCount!: number;
  @ApiProperty() protectThreshold!: number;
  @ApiProperty({ description: 'healthy/total is at or below the protect threshold' })
  protectionReached!: boolean;
  @ApiProperty({ description: 'Registry revision of the last change to this service' })
  revision!: number;
}

export class ServicePageDto {
  @ApiProperty({ type: [ServiceSummaryDto] }) items!: ServiceSummaryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class HealthCheckerDto {
  @ApiProperty({ enum: ['TCP', 'HTTP', 'MYSQL', 'NONE'] }) type!: 'TCP' | 'HTTP' | 'MYSQL' | 'NONE';
  @ApiPropertyOptional() path?: string;
}

export class ClusterDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: HealthCheckerDto }) healthChecker!: HealthCheckerDto;
  @ApiProperty({ type: [InstanceDto] }) instances!: InstanceDto[];
}

export class ServiceDetailDto extends ServiceSummaryDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  metadata!: Record<string, string>;
  @ApiProperty({ enum: ['none', 'label'] }) selectorType!: 'none' | 'label';
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
}
