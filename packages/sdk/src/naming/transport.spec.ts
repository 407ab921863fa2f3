import { describe, expect, it } from 'vitest';
import { AuthenticationError, NoServerAvailableError, ServerError } from './errors.js';
import { FakeClock } from '../testing/fake-clock.js';
import { resolveOptions, type NamingClientOptions } from './options.js';
import { NacosTransport, type FailoverEvent } from './transport.js';

interface Seen {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A scripted network: `answer` maps each request to a response or a thrown error. */
function network(answer: (req: Seen, n: number) => Response | Error) {
  const seen: Seen[] = [];
  const fetchImpl = (async (input: URL | RequestInfo, init?: RequestInit) => {
    const req = {
      url: new URL(String(input)),
      method: init?.method ?? 'GET',
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: init?.body as string | undefined,
    };
    seen.push(req);
    const result = answer(req, seen.length);
    if (result instanceof Error) throw result;
    return result;
  }) as typeof fetch;
  return { seen, fetchImpl };
}

const refused = () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
const text = (body: string, status = 200) => new Response(body, { status });
const login = (token: string, ttl = 100) =>
  text(JSON.stringify({ accessToken: token, tokenTtl: ttl, globalAdmin: true }));

function transport(fetchImpl: typeof fetch, o: Partial<NamingClientOptions> = {}, clock = new FakeClock(0)) {
  const failovers: FailoverEvent[] = [];
  const t = new NacosTransport(
    resolveOptions({ serverAddresses: ['a:1', 'b:2', 'c:3'], random: () => 0, fetch: fetchImpl, clock, ...o }),
    (e) => failovers.push(e),
  );
  return { t, failovers, clock };
}

const GET = { method: 'GET' as const, path: '/v1/ns/instance/list', label: 'list x', query: { serviceName: 'x' } };

describe('NacosTransport', () => {
  it("sends the Java client's UA and the parameters in the query, and a form body when asked", async () => {
    const { seen, fetchImpl } = network(() => text('ok'));
    const { t } = transport(fetchImpl);
    await t.call({
      method: 'PUT',
      path: '/v1/ns/instance/beat',
      label: 'beat',
      query: { a: 1, b: undefined },
      form: { beat: '{"x":1}' },
    });
    expect(seen[0]!.url.toString()).toBe('http://a:1/nacos/v1/ns/instance/beat?a=1');
    expect(seen[0]!.method).toBe('PUT');
    expect(seen[0]!.headers).toMatchObject({
      'User-Agent': 'Nacos-Java-Client:v1.4.8',
      'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8',
    });
    expect(seen[0]!.body).toBe('beat=%7B%22x%22%3A1%7D');
  });

  it('fails over on refused connections and 5xx, stays with the server that answered, and reports the move', async () => {
    const { seen, fetchImpl } = network((req) =>
      req.url.host === 'a:1' ? refused() : req.url.host === 'b:2' ? text('busy', 503) : text('ok'),
    );
    const { t, failovers } = transport(fetchImpl);
    expect(await t.call(GET)).toBe('ok');
    expect(seen.map((s) => s.url.host)).toEqual(['a:1', 'b:2', 'c:3']);
    expect(failovers.map((f) => `${f.from}>${f.to}`)).toEqual(['http://a:1>http://c:3']);
    expect(failovers[0]!.error.message).toContain('HTTP 503');
    await t.call(GET);
    expect(seen.at(-1)!.url.host).toBe('c:3');
    expect(t.current.origin).toBe('http://c:3');
  });

  it('does not retry a 4xx elsewhere: the request is at fault', async () => {
    const { seen, fetchImpl } = network(() => text("Param 'serviceName' is required.", 400));
    const { t } = transport(fetchImpl);
    const error = await t.call(GET).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).status).toBe(400);
    expect(seen).toHaveLength(1);
  });

  it('lists every failure when no server answers', async () => {
    const { fetchImpl } = network(() => refused());
    const { t } = transport(fetchImpl);
    const error = await t.call(GET).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoServerAvailableError);
    expect((error as NoServerAvailableError).errors).toHaveLength(3);
    expect((error as Error).message).toContain('could not reach http://b:2: fetch failed (ECONNREFUSED)');
  });

  it('treats 304 as an empty success', async () => {
    const { fetchImpl } = network(() => new Response(null, { status: 304 }));
    expect(await transport(fetchImpl).t.call(GET)).toBe('');
  });
});

describe('NacosTransport login', () => {
  it('logs in once, sends accessToken, and logs in again at 90 % of the token lifetime', async () => {
    let logins = 0;
    const { seen, fetchImpl } = network((req) =>
      req.url.pathname.endsWith('/login') ? login(`t${++logins}`, 100) : text('ok'),
    );
    const { t, clock } = transport(fetchImpl, { username: 'nacos', password: 'pw' });
    await Promise.all([t.call(GET), t.call(GET)]);
    expect(logins).toBe(1);
    const loginRequest = seen.find((s) => s.url.pathname === '/nacos/v1/auth/users/login')!;
    expect(loginRequest.method).toBe('POST');
    expect(loginRequest.body).toBe('username=nacos&password=pw');
    expect(loginRequest.url.search).toBe('');
    expect(
      seen.filter((s) => !s.url.pathname.endsWith('/login')).map((s) => s.url.searchParams.get('accessToken')),
    ).toEqual(['t1', 't1']);

    await clock.advance(89_999);
    await t.call(GET);
    expect(logins).toBe(1);
    await clock.advance(1);
    await t.call(GET);
    expect(logins).toBe(2);
    expect(seen.at(-1)!.url.searchParams.get('accessToken')).toBe('t2');
  });

  it('logs in again and retries once when the server says the token expired', async () => {
    let logins = 0;
    let expired = true;
    const { seen, fetchImpl } = network((req) => {
      if (req.url.pathname.endsWith('/login')) return login(`t${++logins}`);
      if (expired && req.url.searchParams.get('accessToken') === 't1') {
        expired = false;
        return text(JSON.stringify({ status: 403, error: 'Forbidden', message: 'token expired!' }), 403);
      }
      return text('ok');
    });
    const { t } = transport(fetchImpl, { username: 'nacos', password: 'pw' });
    expect(await t.call(GET)).toBe('ok');
    expect(logins).toBe(2);
    expect(
      seen.filter((s) => !s.url.pathname.endsWith('/login')).map((s) => s.url.searchParams.get('accessToken')),
    ).toEqual(['t1', 't2']);
  });

  it('names the problem when credentials are wrong or missing', async () => {
    const wrong = network((req) => (req.url.pathname.endsWith('/login') ? text('unknown user!', 403) : text('ok')));
    await expect(transport(wrong.fetchImpl, { username: 'nacos', password: 'bad' }).t.call(GET)).rejects.toThrow(
      new AuthenticationError("login refused for user 'nacos': unknown user!", 403),
    );
    const none = network(() => text(JSON.stringify({ status: 403, message: 'user not found!' }), 403));
    await expect(transport(none.fetchImpl).t.call(GET)).rejects.toThrow(
      'list x: http://a:1 requires authentication; set username and password',
    );
  });

  it('goes on without a token when the server has no login endpoint, and asks again a minute later', async () => {
    let loginCalls = 0;
    const { seen, fetchImpl } = network((req) => {
      if (req.url.pathname.endsWith('/login')) {
        loginCalls++;
        return text('no such api', 404);
      }
      return text('ok');
    });
    const { t, clock } = transport(fetchImpl, { username: 'nacos', password: 'pw' });
    await t.call(GET);
    await t.call(GET);
    expect(loginCalls).toBe(1);
    expect(seen.at(-1)!.url.searchParams.has('accessToken')).toBe(false);
    await clock.advance(60_000);
    await t.call(GET);
    expect(loginCalls).toBe(2);
  });
});
