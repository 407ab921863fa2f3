import { describe, expect, it } from 'vitest';
import { parseForm } from './form-body.js';
import { firstValueQuery } from './query-string.js';

/** What the servlet-style reading must give: URLSearchParams, first value of each name. */
function reference(text: string): Record<string, string> {
  const result = Object.create(null) as Record<string, string>;
  for (const [name, value] of new URLSearchParams(text)) if (!(name in result)) result[name] = value;
  return result;
}

const CASES = [
  '',
  '?',
  '&&',
  '=',
  'a',
  'a=',
  '=b',
  '?a=1',
  '??a=1',
  'a=1&a=2',
  'a=b=c',
  '+=+',
  'a+b=c+d',
  '%',
  'a=%',
  'a=%zz',
  'a=%4',
  'a=%41%42',
  'a=%2B+%2b',
  '%E4%B8%AD=%E6%96%87',
  'a=%ED%A0%80',
  'a=%FF',
  'a=%C3',
  'ü=ö&b=1',
  '__proto__=x&constructor=y&toString=z',
  'accessToken=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln&x=1',
  'beat=%7B%22serviceName%22%3A%22DEFAULT_GROUP%40%40s%22%2C%22ip%22%3A%2210.0.0.1%22%2C%22port%22%3A8080%7D&namespaceId=public',
];

describe('firstValueQuery', () => {
  it.each(CASES)('reads %j exactly as URLSearchParams does, first value kept', (text) => {
    expect(firstValueQuery(text)).toEqual(reference(text));
  });

  it('agrees with URLSearchParams on thousands of random strings of the tricky characters', () => {
    const alphabet = ['a', 'b', '=', '&', '%', '+', '2', 'B', 'E', 'D', 'F', 'C', '3', '?', 'ü', '8', '0'];
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i++) {
      const text = Array.from({ length: Math.floor(random() * 14) }, () => alphabet[Math.floor(random() * 17)]).join(
        '',
      );
      expect(firstValueQuery(text), text).toEqual(reference(text));
    }
  });

  it('gives names no prototype to collide with', () => {
    const q = firstValueQuery('constructor=1&__proto__=2');
    expect(q['constructor']).toBe('1');
    expect(Object.getPrototypeOf(q)).toBeNull();
  });
});

describe('parseForm', () => {
  it('reads a form body like the query, first value kept', () => {
    expect(parseForm('beat=%7B%7D&beat=2&ip=1.2.3.4')).toEqual({ beat: '{}', ip: '1.2.3.4' });
  });
});
