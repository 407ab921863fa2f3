import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../wire/actor.js';
import { parseClientInfo, type ClientInfo } from '../wire/client-info.js';
import { ParamReader } from './param-reader.js';

/**
 * What the auth guard and the parameter readers read of a request: a Fastify request, or the view
 * the beat's fast path (nacos/beat-fast-path.ts) makes of a node:http request it answers itself.
 */
export type RequestView = Pick<FastifyRequest, 'method' | 'url' | 'headers' | 'query' | 'body' | 'params' | 'ip'>;

type BeaconRequest = Pick<FastifyRequest, 'query' | 'body'> & { beaconParams?: ParamReader; beaconUser?: string };

/** The merged, trimmed query + form parameters of the request (built once per request). */
export function paramsOf(request: Pick<FastifyRequest, 'query' | 'body'>): ParamReader {
  const r = request as BeaconRequest;
  return (r.beaconParams ??= ParamReader.from(request.query, request.body));
}

export const Params = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  paramsOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);

export function clientOf(request: FastifyRequest): ClientInfo {
  const header = (name: string) => {
    const v = request.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return parseClientInfo(header('user-agent'), header('client-version'));
}

export const Client = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  clientOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);

/** The peer address of the request's connection (never a header: those are the client's to write). */
export const SourceAddress = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<FastifyRequest>().socket.remoteAddress ?? '',
);

/** Set by the auth guard once it knows who calls (see auth/current-identity.ts). */
export function setActingUser(request: FastifyRequest, username: string): void {
  (request as BeaconRequest).beaconUser = username;
}

/** Who makes the request, for the audit trail: the guard's user, and the connection's peer address. */
export function actorOf(request: FastifyRequest): Actor {
  return { user: (request as BeaconRequest).beaconUser ?? 'anonymous', address: request.socket.remoteAddress ?? '' };
}

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  actorOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
