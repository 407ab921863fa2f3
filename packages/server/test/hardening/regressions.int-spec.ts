import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuietServer, type InProcessServer } from './support/in-process-server.js';

/** One named test per bug the hardening tests found, so that each stays fixed on its own. */
describe('bugs found by the hardening tests', () => {
  let s: InProcessServer;

  beforeAll(async () => {
    s = await startQuietServer();
  });

  afterAll(async () => {
    await s?.close();
  });

  /** Status only: a watch stream answers 200 and then never ends. */
  function statusOf(method: string, path: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port: s.server.port, method, path }, (res) => {
        resolve(res.statusCode ?? 0);
        res.destroy();
      });
      r.on('error', reject);
      r.end();
    });
  }

  it('a request head over 16 KiB gets 431 with Connection: close, and a keep-alive client carries on', async () => {
    const res = await s.http.send({ method: 'GET', path: `/api/v1/status?x=${'x'.repeat(20_000)}` });
    expect(res.status).toBe(431);
    expect(res.headers['connection']).toBe('close');
    // Same keep-alive agent: it must not reuse the socket the server closed.
    expect((await s.http.send({ method: 'GET', path: '/api/v1/status' })).status).toBe(200);
  });

  it('an unparseable request gets 400 with Connection: close', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(s.server.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nBad Header\r\n\r\n'));
      let text = '';
      socket.setEncoding('utf8').on('data', (d: string) => (text += d));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(reply).toMatch(/\r\nConnection: close\r\n/i);
  });

  it('a repeated query parameter keeps its first value everywhere, as getParameter does (was a 500 on /api/v1)', async () => {
    const list = await s.http.json<{ pageSize: number }>(
      'GET',
      '/api/v1/namespaces/public/services?pageSize=1&pageSize=500&search=a&search=b&group=x&group=y&page=1&page=2',
    );
    expect(list.pageSize).toBe(1);
    for (const path of [
      '/api/v1/watch?services=a&services=b&namespaceId=x&namespaceId=y',
      '/api/v1/auth/roles/r?username=a&username=b',
      '/api/v1/auth/permissions?role=a&role=b&resource=x&resource=y&action=r&action=w',
    ]) {
      const method = path.includes('/watch') ? 'GET' : 'DELETE';
      const status = await statusOf(method, path);
      expect(status, path).toBeLessThan(500);
    }
  });

  it('a 20404 beat reply asks the client back within a second (or the switch value, if shorter)', async () => {
    const lightBeat = () =>
      s.http.json<{ clientBeatInterval: number; code: number }>(
        'PUT',
        '/nacos/v1/ns/instance/beat?serviceName=nobody&ip=127.0.0.1&port=1',
      );
    expect(await lightBeat()).toEqual({ clientBeatInterval: 1000, code: 20404 });
    const set = await s.http.send({
      method: 'PUT',
      path: '/nacos/v1/ns/operator/switches?entry=clientBeatInterval&value=400',
    });
    expect(set.body).toBe('ok');
    expect(await lightBeat()).toEqual({ clientBeatInterval: 400, code: 20404 });
  });

  it('a namespace id the native API could not address is refused: long on the Nacos face, malformed on PUT', async () => {
    const long = 'n'.repeat(129);
    const register = await s.http.send({
      method: 'POST',
      path: `/nacos/v1/ns/instance?namespaceId=${long}&serviceName=svc&ip=127.0.0.1&port=1`,
    });
    expect(register.status).toBe(400);
    const ok = await s.http.send({
      method: 'POST',
      path: `/nacos/v1/ns/instance?namespaceId=${'n'.repeat(128)}&serviceName=svc&ip=127.0.0.1&port=1`,
    });
    expect(ok.body).toBe('ok');
    const put = await s.http.send({
      method: 'PUT',
      path: `/nacos/v1/console/namespaces?namespace=${'x'.repeat(4000)}`,
    });
    expect(put.body).toBe('false');
    const namespaces = await s.http.json<{ id: string }[]>('GET', '/api/v1/namespaces');
    for (const { id } of namespaces) {
      expect(
        (await s.http.send({ method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(id)}/services` })).status,
      ).toBe(200);
    }
    expect(namespaces.map((n) => n.id.length)).toEqual([6, 128]);
  });

  it('a switch value beyond a Java int is refused, not stored as 1e20', async () => {
    const put = (value: string) =>
      s.http.send({ method: 'PUT', path: `/nacos/v1/ns/operator/switches?entry=defaultCacheMillis&value=${value}` });
    expect((await put('99999999999999999999')).status).toBe(400);
    expect((await put('2147483648')).status).toBe(400);
    expect((await put('2147483647')).body).toBe('ok');
    const switches = await s.http.json<{ defaultCacheMillis: number }>('GET', '/nacos/v1/ns/operator/switches');
    expect(switches.defaultCacheMillis).toBe(2147483647);
  });
});
