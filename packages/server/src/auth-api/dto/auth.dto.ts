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

export class NamespaceAccessDto {
  @ApiProperty() namespaceId!: string;
  @ApiProperty({ description: 'May list and read the whole namespace' }) read!: boolean;
  @ApiProperty({ description: 'May change anything in the namespace' }) write!: boolean;
}

export class AuthModeDto {
  @ApiProperty({ description: 'Whether the server asks for credentials (BEACON_AUTH)' }) authEnabled!: boolean;
}

export class MeDto {
  @ApiProperty() username!: string;
  @ApiProperty() admin!: boolean;
  @ApiProperty({ description: 'False when the server runs with BEACON_AUTH=off (everyone is an admin)' })
  authEnabled!: boolean;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ type: [PermissionDto] }) permissions!: PermissionDto[];
  @ApiProperty({
    type: [NamespaceAccessDto],
    description: 'What the user may do in each known namespace as a whole (an unknown one: ask with its id)',
  })
  namespaces!: NamespaceAccessDto[];
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
