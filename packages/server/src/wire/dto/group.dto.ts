import { ApiProperty } from '@nestjs/swagger';

export class GroupDto {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Services of the namespace in this group' }) serviceCount!: number;
}
