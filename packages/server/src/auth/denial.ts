import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthFailure } from './authenticator.js';
import type { Face } from './route-policy.js';

export type Denial = AuthFailure | { readonly kind: 'forbidden'; readonly detail: string };

/** Nacos's AuthFilter messages (docs/nacos-protocol.md §8); the console sends users back to login on them. */
const NACOS_MESSAGES: Record<Denial['kind'], string> = {
  'no-credentials': 'user not found!',
  'token-expired': 'token expired!',
  'token-invalid': 'token invalid!',
  'bad-credentials': 'unknown user!',
  forbidden: 'authorization failed!',
  'rate-limited': 'too many login attempts',
};

const API_MESSAGES: Record<Exclude<Denial['kind'], 'forbidden' | 'rate-limited'>, string> = {
  'no-credentials': 'authentication required: send Authorization: Bearer <token> (POST /api/v1/auth/login)',
  'token-expired': 'token expired: log in again',
  'token-invalid': 'token invalid: log in again',
  'bad-credentials': 'wrong username or password',
};

/** The Nacos face's words for a refusal; the gRPC face answers with them too. */
export function nacosDenialMessage(denial: Denial): string {
  if (denial.kind === 'rate-limited') return rateLimitMessage(denial.retryAfterSeconds);
  return denial.kind === 'forbidden' ? `${NACOS_MESSAGES.forbidden} ${denial.detail}` : NACOS_MESSAGES[denial.kind];
}

export function rateLimitMessage(retryAfterSeconds: number): string {
  return `too many login attempts from this address: try again in ${retryAfterSeconds} s`;
}

/**
 * Answers a refused request. The Nacos face answers as Spring's error page does (403 JSON, the
 * console reads `.message`); the native API answers 401 without valid credentials and 403 without
 * permission, in its usual {statusCode, error, message} shape. Too many attempts are 429 on both.
 */
export function deny(request: FastifyRequest, reply: FastifyReply, face: Face, denial: Denial): void {
  if (denial.kind === 'rate-limited') {
    const message = rateLimitMessage(denial.retryAfterSeconds);
    void reply.header('retry-after', String(denial.retryAfterSeconds));
    if (face === 'api') {
      void reply.status(429).send({ statusCode: 429, error: 'Too Many Requests', message });
    } else {
      void reply.status(429).type('text/plain;charset=UTF-8').send(message);
    }
    return;
  }
  if (face === 'api') {
    if (denial.kind === 'forbidden') {
      void reply.status(403).send({ statusCode: 403, error: 'Forbidden', message: denial.detail });
    } else {
      void reply
        .status(401)
        .header('www-authenticate', 'Bearer')
        .send({ statusCode: 401, error: 'Unauthorized', message: API_MESSAGES[denial.kind] });
    }
    return;
  }
  void reply.status(403).send({
    timestamp: new Date().toISOString().replace('Z', '+00:00'),
    status: 403,
    error: 'Forbidden',
    message: NACOS_MESSAGES[denial.kind],
    path: request.url.split('?')[0],
  });
}
