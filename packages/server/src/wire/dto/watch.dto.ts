import { ApiProperty } from '@nestjs/swagger';
import { ServiceDetailDto } from './service.dto.js';

/** First event of a watch stream, and again whenever the server cannot replay what was missed. */
export class WatchSnapshotDto {
  @ApiProperty({ description: 'Registry revision the snapshot reflects' }) revision!: number;
  @ApiProperty() namespaceId!: string;
  @ApiProperty({ type: [ServiceDetailDto] }) services!: ServiceDetailDto[];
}

/** One change to one service; the SSE event id is its revision. */
export class WatchChangeDto {
  @ApiProperty() revision!: number;
  @ApiProperty({ description: 'What happened, e.g. instance.registered, instance.unhealthy, service.deleted' })
  reason!: string;
  @ApiProperty() namespaceId!: string;
  @ApiProperty({ description: 'Grouped name, group@@name' }) serviceName!: string;
  @ApiProperty({
    type: ServiceDetailDto,
    nullable: true,
    description: 'The service after the change; null once deleted',
  })
  service!: ServiceDetailDto | null;
}
