/**
 * Domain errors carry the exact message Nacos clients expect; the server maps the kind to a status.
 * The core never knows about HTTP.
 */
export type DomainErrorKind = 'invalid' | 'not-found' | 'conflict' | 'forbidden' | 'limit' | 'unavailable';

/**
 * What exactly went wrong, where a face tells more than the kind (the Nacos 2.x API's numeric
 * codes: a weight out of range is 21001, an unknown service 21008). Most errors need none.
 */
export type DomainErrorReason =
  | 'missing-parameter'
  | 'weight'
  | 'instance'
  | 'selector'
  | 'service-exists'
  | 'service-missing'
  | 'service-not-empty'
  | 'namespace'
  | 'namespace-missing'
  | 'illegal-state';

export class DomainError extends Error {
  declare readonly reason?: DomainErrorReason;

  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    reason?: DomainErrorReason,
  ) {
    super(message);
    this.name = new.target.name;
    // Not enumerable: two errors with the same message still compare equal; the reason is a hint.
    if (reason !== undefined) Object.defineProperty(this, 'reason', { value: reason, enumerable: false });
  }
}

export class InvalidParameterError extends DomainError {
  constructor(message: string, reason?: DomainErrorReason) {
    super('invalid', message, reason);
  }
}

/** A required parameter is missing or blank; `javaType` is how Nacos 2.x names its type. */
export class MissingParameterError extends InvalidParameterError {
  constructor(
    readonly parameter: string,
    readonly javaType = 'String',
  ) {
    super(`Param '${parameter}' is required.`, 'missing-parameter');
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string, reason?: DomainErrorReason) {
    super('not-found', message, reason);
  }
}

/** Something already exists. Nacos answers 400 for this; the native API answers 409. */
export class ConflictError extends DomainError {
  constructor(message: string, reason?: DomainErrorReason) {
    super('conflict', message, reason);
  }
}

/** A configured bound (services, instances or metadata per namespace) was reached. */
export class LimitExceededError extends DomainError {
  constructor(message: string) {
    super('limit', message);
  }
}

/**
 * A store the state depends on (in cluster mode Redis or PostgreSQL) cannot be reached: nothing was
 * changed, and the client may retry. HTTP answers 503.
 */
export class UnavailableError extends DomainError {
  constructor(message: string) {
    super('unavailable', message);
  }
}

export function requireParam<T>(value: T | undefined, name: string, javaType?: string): T {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    throw new MissingParameterError(name, javaType);
  }
  return value;
}
