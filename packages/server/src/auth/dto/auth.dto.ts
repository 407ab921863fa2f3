import { ApiProperty } from '@nestjs/swagger';

export class LoginRequestDto {
  @ApiProperty() username!: string;
  @ApiProperty() password!: string;
}

export class LoginResultDto {
  @ApiProperty({
    description: 'Send as `Authorization: Bearer <accessToken>` (or `?accessToken=` on the watch stream)',
  })
  accessToken!: string;
  @ApiProperty({ description: 'Seconds until the token expires' }) tokenTtl!: number;
  @ApiProperty() username!: string;
  @ApiProperty() admin!: boolean;
}

export class PermissionDto {
  @ApiProperty() role!: string;
  @ApiProperty({ description: '`<namespace>:<group>:naming/<service>`, `*` matches anything (e.g. `dev:*:*`)' })
  resource!: string;
  @ApiProperty({ enum: ['r', 'w', 'rw'] }) action!: string;
}

export class MeDto {
  @ApiProperty() username!: string;
  @ApiProperty() admin!: boolean;
  @ApiProperty({ description: 'False when the server runs with BEACON_AUTH=off (everyone is an admin)' })
  authEnabled!: boolean;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ type: [PermissionDto] }) permissions!: PermissionDto[];
}

export class UserDto {
  @ApiProperty() username!: string;
  @ApiProperty() admin!: boolean;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ type: [PermissionDto], description: 'Granted through the roles' }) permissions!: PermissionDto[];
  @ApiProperty({ description: 'ms since the epoch' }) createdAt!: number;
}

export class UserCreateDto {
  @ApiProperty({ description: "Letters, digits, '_', '.', '@', '-'; at most 64" }) username!: string;
  @ApiProperty({ description: 'At least 8 characters' }) password!: string;
}

export class PasswordChangeDto {
  @ApiProperty({ description: 'At least 8 characters' }) password!: string;
}

export class RoleBindingDto {
  @ApiProperty() role!: string;
  @ApiProperty() username!: string;
}
