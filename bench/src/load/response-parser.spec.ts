import { describe, expect, it } from 'vitest';
import { ResponseParser } from './response-parser.js';

const beat = '{"clientBeatInterval":5000,"code":10200,"lightBeatEnabled":true}';
const fixed = `HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${beat.length}\r\nConnection: keep-alive\r\n\r\n${beat}`;

describe('ResponseParser', () => {
  it('parses a Content-Length response delivered in one chunk', () => {
    const [r, ...rest] = new ResponseParser().push(Buffer.from(fixed));
    expect(rest).toEqual([]);
    expect(r!.status).toBe(200);
    expect(r!.body.toString()).toBe(beat);
    expect(r!.close).toBe(false);
  });

  it('waits for the rest of a response split at any byte', () => {
    const bytes = Buffer.from(fixed);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const p = new ResponseParser();
      expect(p.push(bytes.subarray(0, cut))).toEqual([]);
      const [r] = p.push(bytes.subarray(cut));
      expect(r!.body.toString()).toBe(beat);
    }
  });

  it('decodes chunked bodies, and sees Connection: close', () => {
    const text =
      'HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nParam\r\n4\r\n bad\r\n0\r\n\r\n';
    const [r] = new ResponseParser().push(Buffer.from(text));
    expect(r!.status).toBe(400);
    expect(r!.body.toString()).toBe('Param bad');
    expect(r!.close).toBe(true);
  });

  it('returns two responses that arrive together, in order', () => {
    const other = fixed.replace('200 OK', '503 Service Unavailable');
    const rs = new ResponseParser().push(Buffer.from(fixed + other));
    expect(rs.map((r) => r.status)).toEqual([200, 503]);
  });

  it('rejects what is not an HTTP response', () => {
    expect(() => new ResponseParser().push(Buffer.from('garbage garbage\r\n\r\n'))).toThrow(/malformed status/);
  });
});
