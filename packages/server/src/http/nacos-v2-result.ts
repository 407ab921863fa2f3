import { DomainError, MissingParameterError, type DomainErrorKind, type DomainErrorReason } from '@beacon/core';

/** Every answer of the Nacos 2.x HTTP API: `code` 0 and `message` "success", or an error code and its words. */
export interface NacosResult<T> {
  readonly code: number;
  readonly message: string;
  readonly data: T;
}

export function success<T>(data: T): NacosResult<T> {
  return { code: 0, message: 'success', data };
}

/** Nacos's api/model/v2/ErrorCode: the numeric code and its fixed words. */
interface ErrorCode {
  readonly code: number;
  readonly msg: string;
}

const PARAMETER_MISSING: ErrorCode = { code: 10000, msg: 'parameter missing' };
const ACCESS_DENIED: ErrorCode = { code: 10001, msg: 'access denied' };
const PARAMETER_VALIDATE_ERROR: ErrorCode = { code: 20002, msg: 'parameter validate error' };
const MEDIA_TYPE_ERROR: ErrorCode = { code: 20003, msg: 'MediaType Error' };
const RESOURCE_NOT_FOUND: ErrorCode = { code: 20004, msg: 'resource not found' };
const RESOURCE_CONFLICT: ErrorCode = { code: 20005, msg: 'resource conflict' };
const SERVER_ERROR: ErrorCode = { code: 30000, msg: 'server error' };

/** Reasons Nacos has a code of their own for, with the HTTP status it answers them with. */
const BY_REASON: Record<Exclude<DomainErrorReason, 'missing-parameter'>, { status: number; error: ErrorCode }> = {
  weight: { status: 400, error: { code: 21001, msg: 'weight error' } },
  instance: { status: 400, error: { code: 21004, msg: 'instance error' } },
  selector: { status: 400, error: { code: 21006, msg: 'selector error' } },
  'service-exists': { status: 400, error: { code: 21007, msg: 'service already exist' } },
  'service-missing': { status: 400, error: { code: 21008, msg: 'service not exist' } },
  'service-not-empty': { status: 400, error: { code: 21009, msg: 'service delete failure' } },
  namespace: { status: 400, error: { code: 22000, msg: 'illegal namespace' } },
  'namespace-missing': { status: 404, error: { code: 22001, msg: 'namespace not exist' } },
  'illegal-state': { status: 400, error: { code: 23000, msg: 'illegal state' } },
};

const BY_KIND: Record<DomainErrorKind, { status: number; error: ErrorCode }> = {
  invalid: { status: 400, error: PARAMETER_VALIDATE_ERROR },
  'not-found': { status: 404, error: RESOURCE_NOT_FOUND },
  conflict: { status: 400, error: RESOURCE_CONFLICT },
  forbidden: { status: 403, error: ACCESS_DENIED },
  limit: { status: 400, error: PARAMETER_VALIDATE_ERROR },
  // A cluster engine is down: nothing changed, the client may retry.
  unavailable: { status: 503, error: SERVER_ERROR },
};

export interface V2ErrorReply {
  readonly status: number;
  readonly body: NacosResult<string>;
}

/**
 * A domain error as Nacos's NacosApiExceptionHandler answers it: the HTTP status, then
 * `{code, message: the code's words, data: what went wrong}`.
 */
export function v2DomainError(error: DomainError): V2ErrorReply {
  if (error instanceof MissingParameterError) {
    const data = `Required parameter '${error.parameter}' type ${error.javaType} is not present`;
    return reply(400, PARAMETER_MISSING, data);
  }
  if (error.reason !== undefined && error.reason !== 'missing-parameter') {
    const { status, error: code } = BY_REASON[error.reason];
    return reply(status, code, error.message);
  }
  const { status, error: code } = BY_KIND[error.kind];
  return reply(status, code, error.message);
}

/** Any other failure, by its HTTP status: a client's (4xx) or ours (500, "server error"). */
export function v2StatusError(status: number, message: string): V2ErrorReply {
  if (status === 404) return reply(404, RESOURCE_NOT_FOUND, message);
  if (status === 415) return reply(415, MEDIA_TYPE_ERROR, message);
  if (status === 403) return reply(403, ACCESS_DENIED, message);
  if (status >= 400 && status < 500) return reply(status, PARAMETER_VALIDATE_ERROR, message);
  return reply(status, SERVER_ERROR, message);
}

function reply(status: number, error: ErrorCode, data: string): V2ErrorReply {
  return { status, body: { code: error.code, message: error.msg, data } };
}
