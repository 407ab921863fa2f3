import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { parseClientInfo, type ClientInfo } from '../wire/client-info.js';
import { ParamReader } from './param-reader.js';

type BeaconRequest = FastifyRequest & { beaconParams?: ParamReader };

/** The merged, trimmed query + form parameters of the request (built once per request). */
export function paramsOf(request: FastifyRequest): ParamReader {
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
