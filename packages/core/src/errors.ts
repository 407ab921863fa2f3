/**
 * Domain errors carry the exact message Nacos clients expect; the server maps the kind to a status.
 * The core never knows about HTTP.
 */
export type DomainErrorKind = 'invalid' | 'not-found' | 'conflict' | 'forbidden' | 'limit' | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidParameterError extends DomainError {
  constructor(message: string) {
    super('invalid', message);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super('not-found', message);
  }
}

/** Something already exists. Nacos answers 400 for this; the native API answers 409. */
export class ConflictError extends DomainError {
  constructor(message: string) {
    super('conflict', message);
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

export function requireParam<T>(value: T | undefined, name: string): T {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    throw new InvalidParameterError(`Param '${name}' is required.`);
  }
  return value;
}
