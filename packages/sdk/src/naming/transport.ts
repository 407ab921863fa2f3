import { TOKEN_DENIALS, TokenManager, authMessage, loginRefused, type LoginReply } from './auth.js';
import { AuthenticationError, ClientClosedError, NetworkError, NoServerAvailableError, ServerError } from './errors.js';
import type { ResolvedOptions, ServerAddress } from './options.js';
import { NACOS_USER_AGENT, SDK_AGENT, SDK_VERSION } from './version.js';

export type QueryValue = string | number | boolean | undefined;

export interface HttpCall {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the context path, e.g. `/v1/ns/instance`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** Sent as an `application/x-www-form-urlencoded` body. */
  readonly form?: Readonly<Record<string, string>>;
  /** Names the call in errors, e.g. `register DEFAULT_GROUP@@orders`. */
  readonly label: string;
}

export interface FailoverEvent {
  readonly from: string;
  readonly to: string;
  readonly error: Error;
}

/**
 * HTTP to the Nacos face of a list of servers, as the Java client's NamingProxy does it: start at a
 * random server, stay with the one that answered, and on a network error, a timeout or a 5xx try
 * each other server once. A 4xx is the request's fault and is not retried elsewhere. Logs in with
 * username / password and sends the token as `accessToken` (what Nacos 1.x reads).
 */
export class NacosTransport {
  readonly tokens: TokenManager;
  private currentIndex: number;
  private readonly closing = new AbortController();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly onFailover: (event: FailoverEvent) => void = () => {},
  ) {
    this.currentIndex = Math.floor(options.random() * options.servers.length) % options.servers.length;
    this.tokens = new TokenManager(options.credentials, options.clock, (server, u, p) => this.login(server, u, p));
  }

  get servers(): readonly ServerAddress[] {
    return this.options.servers;
  }

  /** The server requests go to first. */
  get current(): ServerAddress {
    return this.options.servers[this.currentIndex]!;
  }

  /** Moves away from `server` after a failure seen elsewhere (the watch stream). */
  reportFailure(server: ServerAddress, error: Error): void {
    if (this.current.origin !== server.origin || this.options.servers.length < 2) return;
    this.moveTo((this.currentIndex + 1) % this.options.servers.length, error);
  }

  async call(call: HttpCall): Promise<string> {
    if (this.closing.signal.aborted) throw new ClientClosedError();
    const servers = this.options.servers;
    const start = this.currentIndex;
    const errors: Error[] = [];
    for (let i = 0; i < servers.length; i++) {
      const index = (start + i) % servers.length;
      const server = servers[index]!;
      try {
        const text = await this.callWithAuth(server, call);
        if (index !== this.currentIndex) this.moveTo(index, errors[errors.length - 1]);
        return text;
      } catch (error) {
        if (this.closing.signal.aborted) throw new ClientClosedError();
        if (!isRetryable(error)) throw error;
        errors.push(error as Error);
      }
    }
    if (servers.length === 1) throw errors[0]!;
    throw new NoServerAvailableError(call.label, errors);
  }

  /** Headers for Beacon's native API on `server` (the watch stream). */
  nativeHeaders(): Record<string, string> {
    const headers: Record<string, string> = { 'User-Agent': `${SDK_AGENT} (node)` };
    const token = this.tokens.current();
    if (token) headers['Authorization'] = `Bearer ${token}`;
    return headers;
  }

  close(): void {
    this.closing.abort();
  }

  get signal(): AbortSignal {
    return this.closing.signal;
  }

  private moveTo(index: number, error: Error | undefined): void {
    const from = this.current.origin;
    this.currentIndex = index;
    this.onFailover({ from, to: this.current.origin, error: error ?? new Error('failover') });
  }

  private async callWithAuth(server: ServerAddress, call: HttpCall): Promise<string> {
    const token = await this.tokens.get(server);
    try {
      return await this.send(server, call, token);
    } catch (error) {
      // A token the server no longer accepts (expired, restarted with a new secret): log in again, once.
      if (error instanceof TokenDeniedError && this.tokens.enabled) {
        this.tokens.invalidate();
        const fresh = await this.tokens.get(server);
        return this.send(server, call, fresh);
      }
      throw error;
    }
  }

  private async send(server: ServerAddress, call: HttpCall, token: string | undefined): Promise<string> {
    const url = new URL(`${this.options.contextPath}${call.path}`, server.origin);
    for (const [key, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    if (token) url.searchParams.set('accessToken', token);
    const headers: Record<string, string> = {
      'User-Agent': NACOS_USER_AGENT,
      'Client-Version': SDK_VERSION,
      'X-Beacon-Client': SDK_AGENT,
      'Request-Module': 'Naming',
    };
    let body: string | undefined;
    if (call.form) {
      body = new URLSearchParams(call.form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    }
    const { status, text } = await this.fetchText(server, call.label, url, { method: call.method, headers, body });
    // Nacos answers 200; any 2xx is success here (an older Beacon answered 201 to POST).
    if (status >= 200 && status < 300) return text;
    if (status === 304) return '';
    if (status === 401 || status === 403) {
      const message = authMessage(text) ?? `HTTP ${status}`;
      if (!this.tokens.enabled && (status === 401 || message === 'user not found!')) {
        throw new AuthenticationError(
          `${call.label}: ${server.origin} requires authentication; set username and password`,
          status,
        );
      }
      if (status === 401 || TOKEN_DENIALS.includes(message)) {
        throw new TokenDeniedError(`${call.label} denied by ${server.origin}: ${message}`, status);
      }
      throw new AuthenticationError(`${call.label} denied by ${server.origin}: ${message}`, status);
    }
    throw new ServerError(status, text, server.origin, call.label);
  }

  private async login(server: ServerAddress, username: string, password: string): Promise<LoginReply> {
    const url = new URL(`${this.options.contextPath}/v1/auth/users/login`, server.origin);
    const { status, text } = await this.fetchText(server, 'login', url, {
      method: 'POST',
      headers: { 'User-Agent': NACOS_USER_AGENT, 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams({ username, password }).toString(),
    });
    if (status >= 200 && status < 300) {
      try {
        const reply = JSON.parse(text) as { accessToken?: unknown; tokenTtl?: unknown };
        if (typeof reply.accessToken === 'string' && reply.accessToken !== '') {
          return { accessToken: reply.accessToken, tokenTtl: Number(reply.tokenTtl) || 18_000 };
        }
      } catch {
        // not a login reply: treat as a server without login
      }
      return { accessToken: undefined, tokenTtl: 0 };
    }
    if (status === 404 || status === 405 || status === 501) return { accessToken: undefined, tokenTtl: 0 };
    if (status === 401 || status === 403) throw loginRefused(username, status, text);
    throw new ServerError(status, text, server.origin, 'login');
  }

  private async fetchText(
    server: ServerAddress,
    label: string,
    url: URL,
    init: { method: string; headers: Record<string, string>; body: string | undefined },
  ): Promise<{ status: number; text: string }> {
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.options.requestTimeoutMs)]);
    try {
      const response = await this.options.fetch(url, { ...init, signal });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      throw new NetworkError(server.origin, label, error);
    }
  }
}

/** The server refused our token (or its absence): worth one fresh login. */
class TokenDeniedError extends AuthenticationError {}

function isRetryable(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  if (error instanceof ServerError) return error.retryable;
  return false;
}
