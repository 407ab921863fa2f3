import { DomainError } from '@beacon/core';

/** Nacos's ResponseCode: every response says 200 or 500 in `resultCode`. */
export const SUCCESS = 200;
export const FAIL = 500;

/** The NacosException codes a failed response carries in `errorCode`. */
export const ErrorCode = {
  UN_REGISTER: 301,
  NO_HANDLER: 302,
  INVALID_PARAM: 400,
  NO_RIGHT: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  SERVER_ERROR: 500,
  BAD_GATEWAY: 502,
  OVER_THRESHOLD: 503,
} as const;

/** A response or server request about to be sent: the type for the metadata, the JSON body. */
export interface Reply {
  readonly type: string;
  readonly body: Record<string, unknown>;
}

/**
 * Field order and names of Nacos's Response, serialized by Jackson (`success` from isSuccess()); an
 * absent `message` or `requestId` is left out (payload.ts writes no nulls).
 */
export function success(type: string, requestId: unknown, fields: Record<string, unknown> = {}): Reply {
  return {
    type,
    body: {
      resultCode: SUCCESS,
      errorCode: 0,
      requestId: requestIdOf(requestId),
      success: true,
      ...fields,
    },
  };
}

/**
 * A request the server understood and refused (auth, a parameter rule, a missing service): the
 * response type the request expects, with `resultCode` 500 and the NacosException code, as Nacos's
 * request filters answer (AbstractRequestFilter.getDefaultResponseInstance + setErrorInfo). Clients
 * raise it as an error of that call and stay connected.
 */
export function refusal(type: string, errorCode: number, message: string, requestId: unknown): Reply {
  return {
    type,
    body: { resultCode: FAIL, errorCode, message, requestId: requestIdOf(requestId), success: false },
  };
}

/**
 * A fault of the transport or of the server (unreadable payload, unknown type, unregistered
 * connection, an engine down): an ErrorResponse, which Java clients take as a failed connection
 * and answer by switching server — right for these, wrong for a refusal.
 */
export function failure(errorCode: number, message: string, requestId: unknown): Reply {
  return {
    type: 'ErrorResponse',
    body: { resultCode: FAIL, errorCode, message, requestId: requestIdOf(requestId), success: false },
  };
}

const DOMAIN_CODES: Record<DomainError['kind'], number> = {
  invalid: ErrorCode.INVALID_PARAM,
  'not-found': ErrorCode.NOT_FOUND,
  conflict: ErrorCode.CONFLICT,
  forbidden: ErrorCode.NO_RIGHT,
  limit: ErrorCode.INVALID_PARAM,
  // A cluster engine is down (cluster-state-backend.ts): the client may retry; nothing was changed.
  unavailable: ErrorCode.OVER_THRESHOLD,
};

/**
 * A rule the client broke is a refusal in the expected response type, carrying its error code;
 * anything else is a server fault (an ErrorResponse), and `ours` when it is a defect (500).
 */
export function failureOf(error: unknown, responseType: string, requestId: unknown): { reply: Reply; ours: boolean } {
  if (error instanceof DomainError) {
    return { reply: refusal(responseType, DOMAIN_CODES[error.kind], error.message, requestId), ours: false };
  }
  return { reply: failure(ErrorCode.SERVER_ERROR, 'internal error', requestId), ours: true };
}

function requestIdOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
