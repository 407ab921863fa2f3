import { describe, expect, it } from 'vitest';
import { InvalidParameterError } from '../errors.js';
import { parseHealthChecker, TCP_CHECKER } from './health-checker.js';

describe('parseHealthChecker', () => {
  it('parses TCP (case-insensitive) to the shared checker', () => {
    expect(parseHealthChecker('{"type":"TCP"}')).toBe(TCP_CHECKER);
    expect(parseHealthChecker('{"type":"tcp"}')).toBe(TCP_CHECKER);
  });

  it('parses NONE', () => {
    expect(parseHealthChecker('{"type":"NONE"}')).toEqual({ type: 'NONE' });
  });

  it('parses HTTP with defaults for missing fields', () => {
    expect(
      parseHealthChecker('{"type":"HTTP","path":"/health","headers":"a:b|c:d","expectedResponseCode":204}'),
    ).toEqual({ type: 'HTTP', path: '/health', headers: 'a:b|c:d', expectedResponseCode: 204 });
    expect(parseHealthChecker('{"type":"HTTP"}')).toEqual({
      type: 'HTTP',
      path: '',
      headers: '',
      expectedResponseCode: 200,
    });
    expect(parseHealthChecker('{"type":"HTTP","expectedResponseCode":"abc"}')).toMatchObject({
      expectedResponseCode: 200,
    });
  });

  it('parses MYSQL', () => {
    expect(parseHealthChecker('{"type":"MYSQL","user":"u","pwd":"p","cmd":"select 1"}')).toEqual({
      type: 'MYSQL',
      user: 'u',
      pwd: 'p',
      cmd: 'select 1',
    });
  });

  it('refuses malformed JSON and non-objects', () => {
    expect(() => parseHealthChecker('{oops')).toThrow(
      new InvalidParameterError('healthChecker format incorrect:{oops'),
    );
    expect(() => parseHealthChecker('null')).toThrow('healthChecker format incorrect:null');
    expect(() => parseHealthChecker('"TCP"')).toThrow('healthChecker format incorrect:"TCP"');
  });

  it('refuses an unknown type', () => {
    expect(() => parseHealthChecker('{"type":"UDP"}')).toThrow(
      new InvalidParameterError('unknown health check type:{"type":"UDP"}'),
    );
    expect(() => parseHealthChecker('{}')).toThrow('unknown health check type:{}');
  });
});
