import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import {
  ADMIN,
  TEST_TOKEN_SECRET,
  startInProcessServer,
  type BeaconEnv,
  type InProcessApp,
} from '@beacon/test-support';

/** The test servers' admin password and token secret (TEST_ENV of @beacon/test-support). */
export const ADMIN_PASSWORD = ADMIN.password;
export const TOKEN_SECRET = TEST_TOKEN_SECRET;

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  json<T = Record<string, unknown>>(): T;
}

export interface SendOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** An object is sent as a form (Content-Type application/x-www-form-urlencoded); a string as is. */
  readonly form?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly body?: string | Buffer;
  /** Bind the client side to this loopback address (127.0.0.2, ...) to act as another client IP. */
  readonly from?: string;
}

/** A plain node:http client: it sends the path exactly as given (no normalising, unlike fetch). */
export class Http {
  private readonly agent = new Agent({ keepAlive: false });

  constructor(readonly port: number) {}

  send(method: string, path: string, options: SendOptions = {}): Promise<HttpResponse> {
    const headers: Record<string, string | number> = { ...options.headers };
    let body: Buffer | undefined;
    if (options.form) {
      body = Buffer.from(new URLSearchParams(options.form as Record<string, string>).toString());
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (options.json !== undefined) {
      body = Buffer.from(JSON.stringify(options.json));
      headers['content-type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      body = Buffer.from(options.body);
    }
    if (body) headers['content-length'] = body.length;
    return new Promise((resolve, reject) => {
      const r = request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          headers,
          agent: this.agent,
          ...(options.from ? { localAddress: options.from } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              body: text,
              headers: res.headers,
              json: <T>() => JSON.parse(text) as T,
            });
          });
          res.on('error', reject);
        },
      );
      r.setTimeout(20_000, () => r.destroy(new Error(`${method} ${path}: no answer`)));
      r.on('error', reject);
      r.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface AuthServer {
  readonly app: InProcessApp;
  readonly http: Http;
  readonly port: number;
  readonly dataDir: string;
  /** Logs in through the Nacos face and returns the access token. */
  login(username?: string, password?: string): Promise<string>;
  /** `Authorization: Bearer` header of the admin, cached. */
  adminHeaders(): Promise<Record<string, string>>;
  /** Stops the server; a data dir it created is removed, a given one is kept (for restarts). */
  close(): Promise<void>;
}

/**
 * The shared in-process test server with auth ON (the default of real starts) and the known admin
 * password and token secret; `dataDir` reuses a directory to test restarts.
 */
export async function startAuthServer(env: BeaconEnv = {}, options: { dataDir?: string } = {}): Promise<AuthServer> {
  const server = await startInProcessServer({
    // Tests log in often from one address; the rate-limit test sets its own budget.
    env: { BEACON_AUTH: 'on', BEACON_LOGIN_ATTEMPTS_PER_MINUTE: '10000', ...env },
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  const http = new Http(server.port);
  let adminToken: string | undefined;
  const login = async (username = 'nacos', password = ADMIN_PASSWORD) => {
    const res = await http.send('POST', '/nacos/v1/auth/login', { form: { username, password } });
    if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${res.body}`);
    return res.json<{ accessToken: string }>().accessToken;
  };
  return {
    app: server.app,
    http,
    port: server.port,
    dataDir: server.dataDir,
    login,
    async adminHeaders() {
      adminToken ??= await login();
      return { authorization: `Bearer ${adminToken}` };
    },
    async close() {
      http.close();
      await server.close();
    },
  };
}

/** An HS256 JWT written independently of the server's TokenService, to forge tokens in tests. */
export function signJwt(
  payload: Record<string, unknown>,
  secret: string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${enc(header)}.${enc(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Query string of the pairs, for Nacos requests that carry everything in the query. */
export function q(params: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
}

/** Creates a user with one role holding one permission, through the Nacos admin endpoints. */
export async function createUserWithPermission(
  server: AuthServer,
  user: { username: string; password: string; role?: string; resource?: string; action?: string },
): Promise<void> {
  const headers = await server.adminHeaders();
  const steps: [string, Record<string, string>][] = [
    ['/nacos/v1/auth/users', { username: user.username, password: user.password }],
  ];
  if (user.role) {
    steps.push(['/nacos/v1/auth/roles', { role: user.role, username: user.username }]);
    if (user.resource && user.action) {
      steps.push(['/nacos/v1/auth/permissions', { role: user.role, resource: user.resource, action: user.action }]);
    }
  }
  for (const [path, form] of steps) {
    const res = await server.http.send('POST', path, { headers, form });
    if (res.status !== 200) throw new Error(`POST ${path} ${JSON.stringify(form)}: ${res.status} ${res.body}`);
  }
}
