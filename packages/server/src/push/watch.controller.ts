import { Controller, Get, Inject, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthGuard } from '../auth/auth-guard.js';
import { identityOf } from '../auth/current-identity.js';
import { WatchChangeDto, WatchSnapshotDto } from '../wire/dto/watch.dto.js';
import { ErrorDto } from '../wire/dto/status.dto.js';
import { WatchHub } from './watch-hub.js';

@ApiTags('watch')
@Controller('api/v1')
export class WatchController {
  private readonly logger = new Logger('WatchController');

  constructor(
    @Inject(WatchHub) private readonly hub: WatchHub,
    @Inject(AuthGuard) private readonly guard: AuthGuard,
  ) {}

  @Get('watch')
  @ApiOperation({
    operationId: 'watch',
    summary: 'Stream registry changes (server-sent events)',
    description:
      'First `event: snapshot` (WatchSnapshotDto), then `event: change` (WatchChangeDto) with `id: <revision>`, ' +
      'in revision order; each carries its whole service, so changes of one service within a coalescing window ' +
      'come as one event (the last). Send `Last-Event-ID` to resume: each service changed since is sent once in ' +
      'its current state, or a fresh snapshot when the history no longer reaches back. Idle streams carry ' +
      '`: keep-alive` comments; a stream that stops reading is cut off once its unsent backlog passes a limit.',
  })
  @ApiQuery({ name: 'namespaceId', required: false, description: 'Namespace to watch (default public)' })
  @ApiQuery({
    name: 'services',
    required: false,
    description: 'Comma-separated grouped names (group@@name); every service of the namespace when omitted',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Revision of the last event received' })
  @ApiOkResponse({
    description: 'An event stream of snapshot and change events',
    content: {
      'text/event-stream': {
        schema: { oneOf: [{ $ref: getSchemaPath(WatchSnapshotDto) }, { $ref: getSchemaPath(WatchChangeDto) }] },
      },
    },
  })
  @ApiResponse({
    status: 400,
    description: 'Invalid request',
    content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorDto) } } },
  })
  @ApiResponse({
    status: 429,
    description: 'Too many open watch streams (per user, or in total)',
    content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorDto) } } },
  })
  watch(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query('namespaceId') namespaceId?: string,
    @Query('services') services?: string,
  ): void {
    const socket = request.raw.socket;
    const admitted = this.hub.admit({
      namespaceId,
      services,
      lastEventId: request.headers['last-event-id'],
      client: {
        ip: (socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
        port: socket.remotePort ?? 0,
        agent: String(request.headers['user-agent'] ?? ''),
      },
      identity: identityOf(request),
      stillAllowed: this.guard.accessRecheck(request),
    });
    // The stream outlives this handler: Fastify must not answer or time it out.
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Proxies such as nginx would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    socket.setNoDelay(true);
    let stream;
    try {
      stream = this.hub.open(admitted, response);
    } catch (error) {
      // Headers are out: the only way to tell the client is to drop the stream; it reconnects.
      this.logger.error(`watch stream failed to open: ${String(error)}`);
      response.destroy();
      return;
    }
    const opened = stream;
    response.on('close', () => this.hub.closed(opened));
  }
}
