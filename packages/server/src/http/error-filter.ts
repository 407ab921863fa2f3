import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError } from '@beacon/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendAnswer, TEXT_UTF8, type HttpAnswer } from './http-answer.js';
import { redactUrl } from './redact.js';
import { v2DomainError, v2StatusError } from './nacos-v2-result.js';

const NACOS_STATUS: Record<DomainError['kind'], number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 400,
  forbidden: 403,
  limit: 400,
  unavailable: 503,
};

const API_STATUS: Record<DomainError['kind'], number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  forbidden: 403,
  limit: 422,
  unavailable: 503,
};

/** The Nacos 2.x HTTP API answers errors as a Result with a numeric code (http/nacos-v2-result.ts). */
const NACOS_V2 = /^\/nacos\/v2\//;

const logger = new Logger('Http');

/** What an error is for the client: its status and message; our own faults (500s) are logged here. */
export function describeError(
  exception: unknown,
  request: { readonly method: string; readonly url: string },
): { status: number; message: string } {
  const isApi = request.url.startsWith('/api/');
  const { status, message } = statusOf(exception, request, isApi);
  // Deliberate replies (501 for unknown APIs, 500 from readiness, 503 while a cluster engine is
  // down) are not faults: log only the rest.
  if (status >= 500 && !(exception instanceof HttpException) && !(exception instanceof DomainError)) {
    logger.error(
      `${request.method} ${redactUrl(request.url.split('?')[0] ?? '')}: ${message}`,
      (exception as Error)?.stack,
    );
  }
  return { status, message };
}

/** The Nacos 1.x face's error: Nacos's status code and the message as plain text. */
export function nacosErrorAnswer(status: number, message: string): HttpAnswer {
  return { status, headers: { 'content-type': TEXT_UTF8 }, body: message };
}

/**
 * The one place errors become responses. The Nacos 1.x face answers plain text with Nacos's status
 * codes; the Nacos 2.x face a `{code, message, data}` Result; the native API answers JSON. Only
 * our own faults are 500, and those are logged. The beat's fast path (nacos/beat-fast-path.ts)
 * answers its errors with the same `describeError` and `nacosErrorAnswer`.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const { status, message } = describeError(exception, request);
    if (NACOS_V2.test(request.url)) {
      // A path no route serves is Spring's 404 there, not the 1.x face's 501.
      const v2 =
        exception instanceof DomainError
          ? v2DomainError(exception)
          : v2StatusError(status === 501 ? 404 : status, message);
      void reply.status(v2.status).type('application/json').send(v2.body);
    } else if (request.url.startsWith('/api/')) {
      void reply
        .status(status)
        .type('application/json')
        .send({ statusCode: status, error: reasonPhrase(status), message });
    } else {
      sendAnswer(reply, nacosErrorAnswer(status, message));
    }
  }
}

function statusOf(
  exception: unknown,
  request: { readonly method: string; readonly url: string },
  isApi: boolean,
): { status: number; message: string } {
  if (exception instanceof DomainError) {
    return { status: (isApi ? API_STATUS : NACOS_STATUS)[exception.kind], message: exception.message };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404 && request.url.startsWith('/nacos/')) {
      return { status: 501, message: `no such api:${request.method}:${request.url.split('?')[0]}` };
    }
    const body = exception.getResponse();
    // Nest's body message is a string, or a list of them (validation).
    const raw = typeof body === 'string' ? body : (body as { message?: unknown }).message;
    const message = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.join(',') : exception.message;
    return { status, message };
  }
  // Errors Fastify raises while reading the request (too large, bad JSON, bad content type); the
  // beat's fast path raises Fastify's own errors for the same cases.
  const fastifyStatus = (exception as { statusCode?: unknown })?.statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    return { status: fastifyStatus, message: (exception as Error).message };
  }
  const chain: string[] = [];
  for (let e: unknown = exception; e instanceof Error && chain.length < 5; e = e.cause)
    chain.push(`caused: ${e.message};`);
  return { status: 500, message: chain.join('') || 'caused: unknown error;' };
}

function reasonPhrase(status: number): string {
  const phrases: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
    501: 'Not Implemented',
    503: 'Service Unavailable',
  };
  return phrases[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}
