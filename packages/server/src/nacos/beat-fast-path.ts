import type { FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression } from 'fastify';
import type { BeatService } from '../application/beat-service.js';
import type { ServerStatusHolder } from '../application/server-status.js';
import type { AuthGuard, Verdict } from '../auth/auth-guard.js';
import { denialAnswer } from '../auth/denial.js';
import { answerBeforeFastify } from '../http/before-fastify.js';
import { describeError, nacosErrorAnswer } from '../http/error-filter.js';
import type { ClosingState } from '../http/graceful-close.js';
import { writeAnswer, type HttpAnswer } from '../http/http-answer.js';
import { firstValueQuery } from '../http/query-string.js';
import { readBodyText } from '../http/request-body.js';
import { paramsOf, type RequestView } from '../http/request-context.js';
import { parseForm } from '../http/form-body.js';
import { BEAT_PATH, beatAnswer } from './beat.route.js';
import { trafficRefusal } from './traffic-filter.js';

export interface BeatFastPathDeps {
  readonly beats: BeatService;
  readonly guard: AuthGuard;
  readonly status: ServerStatusHolder;
  readonly bodyLimitBytes: number;
  /** The server's closing (http/graceful-close.ts): new requests go to Fastify, answers close. */
  readonly closingState: ClosingState;
}

/** The Content-Types the Nacos clients send with a beat; any other goes to Fastify's parsers. */
const FORM_TYPE = /^application\/x-www-form-urlencoded(?:\s*;\s*charset=utf-8)?$/i;
const NO_ROUTE_PARAMS = Object.freeze({});

/**
 * Answers `PUT /nacos/v1/ns/instance/beat` in node:http's request listener, ahead of Fastify: a
 * beat then skips Fastify's routing, request and reply objects and its ten hooks, most of which
 * have nothing to do for a beat (docs/performance.md, "The beat before Fastify"). Every rule of
 * the beat is the one the Fastify route runs, called, not copied: the status filter
 * (`trafficRefusal`), the body limit (`readBodyText`, Fastify's errors), the auth guard's `check`
 * (token cache and permission included) and its `denialAnswer`, the parameters (`paramsOf`,
 * `beatCommandOf` inside `beatAnswer`), the BeatService, and errors through `describeError` and
 * `nacosErrorAnswer`, which the ErrorFilter uses for the Nacos face. Byte-for-byte equality with
 * the Fastify route is tested (test/nacos/beat-fast-path.int-spec.ts).
 *
 * It takes only the beats clients send: the exact path, a form body or none. Anything else (a JSON
 * body, another spelling of the path, every other route), and every request once the server is
 * closing, goes to Fastify untouched (http/before-fastify.ts).
 */
export function answerBeatsBeforeFastify(fastify: FastifyInstance, deps: BeatFastPathDeps): void {
  answerBeforeFastify(fastify, deps.closingState.closing, (request, response) => {
    if (!isPlainBeat(request)) return false;
    answerBeat(request, response, deps);
    return true;
  });
}

type Request = RawRequestDefaultExpression;
type Response = RawReplyDefaultExpression;

function isPlainBeat(request: Request): boolean {
  if (request.method !== 'PUT') return false;
  const url = request.url ?? '';
  const q = url.indexOf('?');
  if ((q < 0 ? url.length : q) !== BEAT_PATH.length || !url.startsWith(BEAT_PATH)) return false;
  const type = request.headers['content-type'];
  return type === undefined || FORM_TYPE.test(type);
}

/** The steps of Fastify's beat route in its order: status filter, body, auth guard, the beat. */
function answerBeat(request: Request, response: Response, deps: BeatFastPathDeps): void {
  const url = request.url!;
  // A beat in flight when the server starts closing is answered as Fastify would: connection closed.
  const send = (answer: HttpAnswer): void => writeAnswer(response, deps.closingState.finalAnswer(answer));
  const fail = (error: unknown): void => {
    if (response.headersSent || response.destroyed) return;
    const { status, message } = describeError(error, { method: 'PUT', url });
    send(nacosErrorAnswer(status, message));
  };
  // As Fastify does after a body it could not read: the client may still be sending, so the
  // connection is closed after the answer.
  const failBody = (error: Error): void => {
    if (response.headersSent || response.destroyed) return;
    const { status, message } = describeError(error, { method: 'PUT', url });
    const answer = nacosErrorAnswer(status, message);
    send({ ...answer, headers: { connection: 'close', ...answer.headers } });
  };
  const refusal = trafficRefusal(deps.status, 'PUT', url);
  if (refusal) return send(refusal);
  readBodyText(request, deps.bodyLimitBytes, (error, text) => {
    if (error) return failBody(error);
    const q = url.indexOf('?');
    const view: RequestView = {
      method: 'PUT',
      url,
      headers: request.headers,
      query: firstValueQuery(q < 0 ? '' : url.slice(q + 1)),
      body: text === undefined ? undefined : parseForm(text),
      params: NO_ROUTE_PARAMS,
      ip: request.socket.remoteAddress ?? '',
    };
    const finish = (verdict: Verdict): void => {
      if (!verdict.pass) return send(denialAnswer(verdict.face, verdict.denial, url));
      try {
        send(beatAnswer(deps.beats, paramsOf(view)));
      } catch (e) {
        fail(e);
      }
    };
    try {
      const verdict = deps.guard.check(view, BEAT_PATH);
      if (verdict instanceof Promise) verdict.then(finish, fail);
      else finish(verdict);
    } catch (e) {
      fail(e);
    }
  });
}
