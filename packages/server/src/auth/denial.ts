import { JSON_UTF8, TEXT_UTF8, type HttpAnswer } from '../http/http-answer.js';
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
 * The answer to a refused request. The Nacos face answers as Spring's error page does (403 JSON, the
 * console reads `.message`); the native API answers 401 without valid credentials and 403 without
 * permission, in its usual {statusCode, error, message} shape. Too many attempts are 429 on both.
 * `url` is the request's, query included (only its path is shown).
 */
export function denialAnswer(face: Face, denial: Denial, url: string): HttpAnswer {
  if (denial.kind === 'rate-limited') {
    const message = rateLimitMessage(denial.retryAfterSeconds);
    const retryAfter = String(denial.retryAfterSeconds);
    return face === 'api'
      ? json(429, { statusCode: 429, error: 'Too Many Requests', message }, { 'retry-after': retryAfter })
      : { status: 429, headers: { 'retry-after': retryAfter, 'content-type': TEXT_UTF8 }, body: message };
  }
  if (face === 'api') {
    return denial.kind === 'forbidden'
      ? json(403, { statusCode: 403, error: 'Forbidden', message: denial.detail })
      : json(
          401,
          { statusCode: 401, error: 'Unauthorized', message: API_MESSAGES[denial.kind] },
          { 'www-authenticate': 'Bearer' },
        );
  }
  return json(403, {
    timestamp: new Date().toISOString().replace('Z', '+00:00'),
    status: 403,
    error: 'Forbidden',
    message: NACOS_MESSAGES[denial.kind],
    path: url.split('?')[0],
  });
}

/** An object as Fastify sends one: JSON.stringify, JSON content type after the other headers. */
function json(status: number, body: object, headers: Record<string, string> = {}): HttpAnswer {
  return { status, headers: { ...headers, 'content-type': JSON_UTF8 }, body: JSON.stringify(body) };
}
