/** Base class of every error the naming client throws, so applications can catch them as one. */
export class BeaconError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The options given to `new NamingClient(...)` (or a call's arguments) are invalid. */
export class OptionsError extends BeaconError {}

/** A server answered with an error status; `status` and `body` are what it said. */
export class ServerError extends BeaconError {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly server: string,
    readonly request: string,
  ) {
    super(`${request} failed on ${server}: HTTP ${status} ${body.slice(0, 300)}`);
  }

  /** Worth trying another server: the server is overloaded, starting or broken, not the request. */
  get retryable(): boolean {
    return this.status >= 500;
  }
}

/** A request could not reach a server at all: refused, reset, timed out. */
export class NetworkError extends BeaconError {
  constructor(
    readonly server: string,
    readonly request: string,
    cause: unknown,
  ) {
    super(`${request} could not reach ${server}: ${describe(cause)}`, { cause });
  }
}

/** Every configured server failed; `errors` holds each one's failure, in the order tried. */
export class NoServerAvailableError extends BeaconError {
  constructor(
    readonly request: string,
    readonly errors: readonly Error[],
  ) {
    super(`${request}: no server available (${errors.map((e) => e.message).join('; ')})`);
  }
}

/** Login was refused (wrong username or password), or a request was denied for lack of rights. */
export class AuthenticationError extends BeaconError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The client was closed; it does nothing more. */
export class ClientClosedError extends BeaconError {
  constructor() {
    super('the naming client is closed');
  }
}

export function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = cause && typeof cause === 'object' && 'code' in cause ? ` (${String(cause.code)})` : '';
    return `${error.message}${code}`;
  }
  return String(error);
}
