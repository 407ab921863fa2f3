import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { setActingUser } from '../http/request-context.js';
import type { Identity } from './authenticator.js';

type IdentifiedRequest = FastifyRequest & { beaconIdentity?: Identity };

/** With auth off every caller acts as this admin. */
export const AUTH_OFF_IDENTITY: Identity = Object.freeze({ username: 'anonymous', admin: true });

export function setIdentity(request: FastifyRequest, identity: Identity): void {
  (request as IdentifiedRequest).beaconIdentity = identity;
  setActingUser(request, identity.username);
}

/** Who the guard let in; undefined on public routes. */
export function identityOf(request: FastifyRequest): Identity | undefined {
  return (request as IdentifiedRequest).beaconIdentity;
}

export const CurrentIdentity = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  identityOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
