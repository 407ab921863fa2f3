import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class NamespaceDto {
  @ApiProperty({ description: "Namespace id; 'public' is the default" }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty() serviceCount!: number;
}

export class NamespaceCreateDto {
  @ApiPropertyOptional({ description: "Letters, digits, '_' or '-'; a UUID when omitted" }) id?: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional() description?: string;
}

export class NamespaceUpdateDto {
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() description?: string;
}

export class StatusDto {
  @ApiProperty({ enum: ['UP', 'DOWN', 'STARTING', 'PAUSED', 'WRITE_ONLY', 'READ_ONLY'] }) status!: string;
  @ApiProperty() version!: string;
  @ApiProperty() serviceCount!: number;
  @ApiProperty() instanceCount!: number;
  @ApiProperty({ description: 'Current registry revision' }) revision!: number;
  @ApiProperty() uptimeMs!: number;
  @ApiProperty({ description: 'Server time, ms since the epoch, for "time since last beat"' }) now!: number;
}

export class ErrorDto {
  @ApiProperty() statusCode!: number;
  @ApiProperty() error!: string;
  @ApiProperty() message!: string;
}
