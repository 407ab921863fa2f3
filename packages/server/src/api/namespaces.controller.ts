import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { NamespaceService } from '../application/namespace-service.js';
import { AccessDirectory } from '../auth/access-directory.js';
import type { Identity } from '../auth/authenticator.js';
import { CurrentIdentity } from '../auth/current-identity.js';
import { BodyReader } from '../http/body-reader.js';
import { ErrorDto, NamespaceCreateDto, NamespaceDto, NamespaceUpdateDto } from '../wire/dto/status.dto.js';
import { CurrentActor } from '../http/request-context.js';
import type { Actor } from '../wire/actor.js';

@ApiTags('namespaces')
@ApiResponse({ status: 400, type: ErrorDto, description: 'Invalid request' })
@Controller('api/v1/namespaces')
export class NamespacesController {
  constructor(
    @Inject(NamespaceService) private readonly namespaces: NamespaceService,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listNamespaces', summary: 'Namespaces the caller may read, public first' })
  @ApiOkResponse({ type: [NamespaceDto] })
  list(@CurrentIdentity() identity: Identity): NamespaceDto[] {
    const all = this.namespaces.list();
    return identity.admin ? all : all.filter((ns) => this.directory.readsInNamespace(identity.username, ns.id));
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createNamespace', summary: 'Create a namespace (admins)' })
  @ApiBody({ type: NamespaceCreateDto })
  @ApiResponse({ status: 201, type: NamespaceDto })
  @ApiResponse({ status: 409, type: ErrorDto, description: 'The namespace exists' })
  create(@Body() body: unknown, @CurrentActor() actor: Actor): Promise<NamespaceDto> {
    const b = new BodyReader(body);
    return this.namespaces.define(
      { id: b.string('id'), name: b.string('name'), description: b.string('description') },
      actor,
    );
  }

  @Put(':namespaceId')
  @ApiOperation({ operationId: 'updateNamespace', summary: 'Rename or describe a namespace (admins)' })
  @ApiBody({ type: NamespaceUpdateDto })
  @ApiOkResponse({ type: NamespaceDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  update(
    @Param('namespaceId') namespaceId: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
  ): Promise<NamespaceDto> {
    const b = new BodyReader(body);
    return this.namespaces.redefine(
      namespaceId,
      { name: b.string('name'), description: b.string('description') },
      actor,
    );
  }

  @Delete(':namespaceId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteNamespace', summary: 'Delete an empty namespace (admins)' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse({ status: 404, type: ErrorDto })
  @ApiResponse({ status: 409, type: ErrorDto, description: 'The namespace still has services' })
  remove(@Param('namespaceId') namespaceId: string, @CurrentActor() actor: Actor): Promise<void> {
    return this.namespaces.deleteEmpty(namespaceId, actor);
  }
}
