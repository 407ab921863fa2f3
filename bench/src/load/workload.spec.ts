import { describe, expect, it } from 'vitest';
import { instanceAt, Workload, type InstanceSet } from './workload.js';

const set: InstanceSet = { count: 300, perService: 100, shapes: ['java', 'node'] };

function parse(bytes: Buffer) {
  const text = bytes.toString();
  const [head, body] = text.split('\r\n\r\n') as [string, string];
  const [requestLine, ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  const [method, target] = requestLine!.split(' ') as [string, string];
  const url = new URL(target, 'http://h');
  return { method, path: url.pathname, query: url.searchParams, headers, body };
}

describe('Workload', () => {
  it('shapes a Java 1.4.8 beat: params in the query, beat JSON in a form body, Java UA', () => {
    const r = parse(new Workload({ kind: 'beat', set }, '127.0.0.1:1').request(0));
    expect(r.method).toBe('PUT');
    expect(r.path).toBe('/nacos/v1/ns/instance/beat');
    expect(r.query.get('serviceName')).toBe('DEFAULT_GROUP@@bench-svc-0');
    expect(r.query.get('ip')).toBe('10.0.0.0');
    expect(r.query.get('beat')).toBeNull();
    expect(r.headers['user-agent']).toBe('Nacos-Java-Client:v1.4.8');
    expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.body));
    const beat = JSON.parse(new URLSearchParams(r.body).get('beat')!) as Record<string, unknown>;
    expect(Object.keys(beat)).toEqual([
      'port',
      'ip',
      'weight',
      'serviceName',
      'cluster',
      'metadata',
      'scheduled',
      'period',
      'stopped',
    ]);
    expect(beat).toMatchObject({
      ip: '10.0.0.0',
      port: 8080,
      cluster: 'DEFAULT',
      serviceName: 'DEFAULT_GROUP@@bench-svc-0',
    });
  });

  it('shapes a Node beat: everything in the query, no body, no Content-Type', () => {
    const r = parse(new Workload({ kind: 'beat', set }, '127.0.0.1:1').request(1));
    expect(r.headers['user-agent']).toBe('Nacos-Java-Client:v1.0.0');
    expect(r.headers['content-type']).toBeUndefined();
    expect(r.body).toBe('');
    expect([...r.query.keys()]).toEqual(['beat', 'namespaceId', 'serviceName']);
    expect(JSON.parse(r.query.get('beat')!)).toMatchObject({ ip: '10.0.0.1', port: 8080, scheduled: true });
  });

  it('registers and lists the same instances it beats, and wraps around the set', () => {
    const register = parse(new Workload({ kind: 'register', set }, 'h').request(257));
    const inst = instanceAt(set, 257);
    expect(register.method).toBe('POST');
    expect(register.query.get('ip')).toBe(inst.ip);
    expect(register.query.get('serviceName')).toBe('DEFAULT_GROUP@@bench-svc-2');
    expect(register.query.get('ephemeral')).toBe('true');
    const list = new Workload({ kind: 'list', set }, 'h');
    expect(list.size).toBe(3);
    expect(parse(list.request(4)).query.get('serviceName')).toBe('DEFAULT_GROUP@@bench-svc-1');
    expect(parse(new Workload({ kind: 'beat', set }, 'h').request(300 + 5)).query.get('beat')).toContain('10.0.0.5');
  });

  it('with auth on, every request carries the token in its query, as the Java client sends it', () => {
    const spec = { set, accessToken: 'a.b.c' };
    for (const kind of ['beat', 'register', 'list'] as const) {
      const workload = new Workload({ kind, ...spec }, 'h');
      for (const i of [0, 1]) expect(parse(workload.request(i)).query.get('accessToken')).toBe('a.b.c');
    }
    expect(parse(new Workload({ kind: 'beat', set }, 'h').request(0)).query.has('accessToken')).toBe(false);
  });
});
