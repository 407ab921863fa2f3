import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUserWithPermission,
  nowSeconds,
  q,
  signJwt,
  startAuthServer,
  TOKEN_SECRET,
  type AuthServer,
} from '../auth/support/auth-server.js';

/**
 * The beat's fast path (nacos/beat-fast-path.ts) answers beats before Fastify with the same rules
 * as the Fastify route. Two servers, alike but for BEACON_BEAT_FAST_PATH, get the same raw bytes
 * and must answer the same raw bytes (the Date header and the 403 body's timestamp aside): status
 * line, every header in its order, body. Auth is on, as in real starts.
 */
const BODY_LIMIT = 4096;
let fast: AuthServer;
let routed: AuthServer;
/** Per server: the writer's and the reader's tokens. */
const tokens = new Map<AuthServer, { writer: string; reader: string }>();

const WRITER = { username: 'beat-writer', password: 'beat-writer-pass', role: 'ROLE_BW', resource: 'public:*:*' };
const READER = { username: 'beat-reader', password: 'beat-reader-pass', role: 'ROLE_BR', resource: 'public:*:*' };
const NS = '/nacos/v1/ns';
const BEAT = `${NS}/instance/beat`;

beforeAll(async () => {
  const env = { BEACON_BODY_LIMIT_BYTES: String(BODY_LIMIT) };
  [fast, routed] = await Promise.all([startAuthServer(env), startAuthServer({ ...env, BEACON_BEAT_FAST_PATH: 'off' })]);
  for (const server of [fast, routed]) {
    await createUserWithPermission(server, { ...WRITER, action: 'rw' });
    await createUserWithPermission(server, { ...READER, action: 'r' });
    tokens.set(server, {
      writer: await server.login(WRITER.username, WRITER.password),
      reader: await server.login(READER.username, READER.password),
    });
    const headers = await server.adminHeaders();
    const registered = await server.http.send(
      'POST',
      `${NS}/instance?${q({ serviceName: 'DEFAULT_GROUP@@fast', ip: '127.0.0.31', port: 8080, ephemeral: 'true' })}`,
      { headers },
    );
    expect(registered.status, registered.body).toBe(200);
  }
});

afterAll(async () => {
  await Promise.all([fast?.close(), routed?.close()]);
});

/** Writes `request` on a fresh connection and reads one whole response (Content-Length framed). */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(new Error(`no whole answer to ${request.slice(0, 80)}`)), 10_000);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /\r\ncontent-length: (\d+)\r\n/i.exec(text.slice(0, end + 2));
      if (!length || received.length < end + 4 + Number(length[1])) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(received.toString('utf8'));
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.write(request);
  });
}

/** What may differ between two servers: the time. */
function normalized(response: string): string {
  return response
    .replace(/\r\nDate: [^\r]*\r\n/, '\r\nDate: <date>\r\n')
    .replace(/"timestamp":"[^"]*"/, '"timestamp":"<time>"');
}

type Build = (token: { writer: string; reader: string }) => string;

/** The request built for each server (with that server's tokens), answered by each; both answers. */
async function bothAnswer(build: Build): Promise<{ fast: string; routed: string }> {
  const [a, b] = await Promise.all(
    [fast, routed].map(async (server) => normalized(await exchange(server.port, build(tokens.get(server)!)))),
  );
  return { fast: a!, routed: b! };
}

async function expectSameAnswer(build: Build, status: number): Promise<string> {
  const answers = await bothAnswer(build);
  expect(answers.fast).toBe(answers.routed);
  expect(answers.fast.slice(0, 12)).toBe(`HTTP/1.1 ${status}`);
  return answers.fast;
}

/** A request as the Java 1.4 client sends a beat: names in the query, `beat=<json>` in a form body. */
function javaBeat(query: Record<string, string | number>, beat: object | string | undefined, extra = ''): string {
  const body =
    beat === undefined ? '' : `beat=${encodeURIComponent(typeof beat === 'string' ? beat : JSON.stringify(beat))}`;
  return (
    `PUT ${BEAT}?${q(query)} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: Nacos-Java-Client:v1.4.8\r\n` +
    `Content-Type: application/x-www-form-urlencoded;charset=UTF-8\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** A request as the Node client sends a beat: everything in the query, no body, no Content-Type. */
function nodeBeat(query: Record<string, string | number>): string {
  return `PUT ${BEAT}?${q(query)} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: Nacos-Java-Client:v1.0.0\r\n\r\n`;
}

const INSTANCE = { ip: '127.0.0.31', port: 8080, cluster: 'DEFAULT', serviceName: 'DEFAULT_GROUP@@fast', weight: 1 };
const NAMES = { namespaceId: 'public', serviceName: 'DEFAULT_GROUP@@fast' };

/** Counts the requests Fastify's route handlers run (Fastify's own diagnostics channel). */
async function fastifyHandlerRuns(action: () => Promise<unknown>): Promise<number> {
  let runs = 0;
  const count = (): void => {
    runs++;
  };
  subscribe('tracing:fastify.request.handler:start', count);
  try {
    await action();
  } finally {
    unsubscribe('tracing:fastify.request.handler:start', count);
  }
  return runs;
}

describe('a beat answered before Fastify and the same beat through Fastify', () => {
  it('answer a good beat alike, Java and Node shapes, and only the routed server runs Fastify', async () => {
    const java: Build = (t) => javaBeat({ ...NAMES, accessToken: t.writer }, INSTANCE);
    const node: Build = (t) => nodeBeat({ ...NAMES, ip: INSTANCE.ip, port: INSTANCE.port, accessToken: t.writer });
    const answer = await expectSameAnswer(java, 200);
    expect(answer).toMatch(/\r\ncontent-type: application\/json; charset=utf-8\r\n/);
    expect(answer).toMatch(/"code":10200/);
    await expectSameAnswer(node, 200);
    const byFast = await fastifyHandlerRuns(() => exchange(fast.port, java(tokens.get(fast)!)));
    const byRouted = await fastifyHandlerRuns(() => exchange(routed.port, java(tokens.get(routed)!)));
    expect([byFast, byRouted]).toEqual([0, 1]);
  });

  it('answer a beat for a missing instance alike: 20404 to a light beat, a full beat registers it again', async () => {
    const missing = { ...INSTANCE, ip: '127.0.0.32', serviceName: 'DEFAULT_GROUP@@fast-gone' };
    const names = { namespaceId: 'public', serviceName: missing.serviceName };
    const light = await expectSameAnswer(
      (t) => nodeBeat({ ...names, ip: missing.ip, port: missing.port, accessToken: t.writer }),
      200,
    );
    expect(light).toMatch(/"code":20404/);
    const full = await expectSameAnswer((t) => javaBeat({ ...names, accessToken: t.writer }, missing), 200);
    expect(full).toMatch(/"code":10200/);
    for (const server of [fast, routed]) {
      const list = await server.http.send(
        'GET',
        `${NS}/instance/list?${q({ ...names, accessToken: tokens.get(server)!.writer })}`,
      );
      expect(list.json<{ hosts: { ip: string }[] }>().hosts.map((h) => h.ip)).toEqual([missing.ip]);
    }
  });

  it('answer bad parameters alike with Nacos 400 messages', async () => {
    const cases: Build[] = [
      (t) => nodeBeat({ namespaceId: 'public', accessToken: t.writer }),
      (t) => javaBeat({ ...NAMES, accessToken: t.writer }, '{not json'),
      (t) => javaBeat({ ...NAMES, accessToken: t.writer }, '[1,2]'),
      (t) => javaBeat({ ...NAMES, accessToken: t.writer }, { ...INSTANCE, port: 'eighty' }),
      (t) => nodeBeat({ ...NAMES, ip: INSTANCE.ip, port: 'x80', accessToken: t.writer }),
      (t) => nodeBeat({ ...NAMES, serviceName: 'DEFAULT_GROUP@@', ip: INSTANCE.ip, port: 8080, accessToken: t.writer }),
      (t) => nodeBeat({ ...NAMES, namespaceId: 'n'.repeat(200), ip: INSTANCE.ip, port: 8080, accessToken: t.writer }),
    ];
    for (const build of cases) {
      const answer = await expectSameAnswer(build, 400);
      expect(answer).toMatch(/\r\ncontent-type: text\/plain;charset=UTF-8\r\n/);
    }
  });

  it('refuse alike without credentials, with a bad or expired token, a wrong password, and without permission', async () => {
    const expired = signJwt({ sub: WRITER.username, iat: nowSeconds() - 100, exp: nowSeconds() - 10 }, TOKEN_SECRET);
    const cases: [Build, string][] = [
      [() => javaBeat(NAMES, INSTANCE), 'user not found!'],
      [() => javaBeat({ ...NAMES, accessToken: 'not-a-token' }, INSTANCE), 'token invalid!'],
      [() => javaBeat({ ...NAMES, accessToken: expired }, INSTANCE), 'token expired!'],
      [() => nodeBeat({ ...NAMES, ip: INSTANCE.ip, port: 8080, ...WRITER, password: 'wrong-pass' }), 'unknown user!'],
      [(t) => javaBeat({ ...NAMES, accessToken: t.reader }, INSTANCE), 'authorization failed!'],
    ];
    for (const [build, message] of cases) {
      const answer = await expectSameAnswer(build, 403);
      expect(answer).toContain(`"message":"${message}`);
      expect(answer).toContain(`"path":"${BEAT}"`);
    }
  });

  it('let a username and password through alike (the Node client), and a Bearer header', async () => {
    await expectSameAnswer(
      () => nodeBeat({ ...NAMES, ip: INSTANCE.ip, port: 8080, username: WRITER.username, password: WRITER.password }),
      200,
    );
    await expectSameAnswer(
      (t) =>
        `PUT ${BEAT}?${q({ ...NAMES, ip: INSTANCE.ip, port: 8080 })} HTTP/1.1\r\nHost: x\r\n` +
        `Authorization: Bearer ${t.writer}\r\n\r\n`,
      200,
    );
  });

  it('refuse an oversized body alike, declared or chunked', async () => {
    const big = 'x'.repeat(BODY_LIMIT + 1);
    await expectSameAnswer((t) => javaBeat({ ...NAMES, accessToken: t.writer }, { ...INSTANCE, pad: big }), 413);
    const chunked = (t: { writer: string }) =>
      `PUT ${BEAT}?${q({ ...NAMES, accessToken: t.writer })} HTTP/1.1\r\nHost: x\r\n` +
      `Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n` +
      `${(BODY_LIMIT / 2).toString(16)}\r\n${'a'.repeat(BODY_LIMIT / 2)}\r\n` +
      `${(BODY_LIMIT / 2 + 10).toString(16)}\r\n${'b'.repeat(BODY_LIMIT / 2 + 10)}\r\n0\r\n\r\n`;
    const answer = await expectSameAnswer(chunked, 413);
    expect(answer).toContain('Request body is too large');
    // The client may still be sending: the connection is not kept.
    expect(answer).toContain('\r\nconnection: close\r\n');
  });

  it('answer alike while the server is not UP (503), and beats with a JSON body go to Fastify on both', async () => {
    for (const server of [fast, routed]) {
      const res = await server.http.send(
        'PUT',
        `${NS}/operator/switches?${q({ entry: 'overriddenServerStatus', value: 'DOWN' })}`,
        { headers: await server.adminHeaders() },
      );
      expect(res.status, res.body).toBe(200);
    }
    try {
      const answer = await expectSameAnswer((t) => javaBeat({ ...NAMES, accessToken: t.writer }, INSTANCE), 503);
      expect(answer).toContain('server is DOWN');
    } finally {
      for (const server of [fast, routed]) {
        await server.http.send(
          'PUT',
          `${NS}/operator/switches?${q({ entry: 'overriddenServerStatus', value: 'NULL' })}`,
          {
            headers: await server.adminHeaders(),
          },
        );
      }
    }
    const json = (t: { writer: string }) => {
      const body = JSON.stringify({ ...NAMES, ip: INSTANCE.ip, port: 8080, accessToken: t.writer });
      return `PUT ${BEAT} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    };
    const byFast = await fastifyHandlerRuns(() => expectSameAnswer(json, 200));
    expect(byFast).toBe(2);
  });
});

describe('a beat in flight when the server starts closing', () => {
  /** Sends a Java beat's head and half its body, closes the server, then the rest: the whole answer. */
  async function beatAcrossClose(env: Record<string, string>): Promise<string> {
    const server = await startAuthServer({ BEACON_AUTH: 'off', ...env });
    const httpServer = server.app.getHttpServer();
    const body = `beat=${encodeURIComponent(JSON.stringify({ ...INSTANCE, serviceName: 'DEFAULT_GROUP@@closing' }))}`;
    const head =
      `PUT ${BEAT}?${q({ namespaceId: 'public', serviceName: 'DEFAULT_GROUP@@closing' })} HTTP/1.1\r\nHost: x\r\n` +
      `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`;
    const arrived = new Promise<void>((resolve) => httpServer.once('request', () => resolve()));
    const socket = connect(server.port, '127.0.0.1');
    const answer = new Promise<string>((resolve, reject) => {
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    socket.write(head + body.slice(0, 10));
    await arrived;
    const closed = server.close();
    // Fastify stops listening right after its preClose hooks: from then on the server is closing.
    for (let i = 0; httpServer.listening && i < 500; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(httpServer.listening).toBe(false);
    socket.write(body.slice(10));
    const text = normalized(await answer);
    await closed;
    return text;
  }

  it('is answered alike, telling the client to close its connection', async () => {
    const [byFast, byRouted] = [await beatAcrossClose({}), await beatAcrossClose({ BEACON_BEAT_FAST_PATH: 'off' })];
    expect(byFast).toBe(byRouted);
    expect(byFast).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(byFast).toContain('\r\nconnection: close\r\n');
  });
});
