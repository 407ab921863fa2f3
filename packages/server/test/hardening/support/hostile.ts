import fc from 'fast-check';

/**
 * Values a careless or hostile client may send as a parameter: blanks, whitespace, numbers out of
 * every range, NaN/Infinity as text, unicode, control characters, JSON where text is expected and
 * broken JSON where JSON is expected, very long strings.
 */
const SPECIAL_TEXT = [
  '',
  ' ',
  '   ',
  '\t',
  '\n',
  '\r\n',
  ' \u00a0 ',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-Infinity',
  '+Infinity',
  '0',
  '-0',
  '-1',
  '1.5',
  '1e3',
  '1e309',
  '-1e309',
  '5e-324',
  '2147483647',
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '99999999999999999999999999',
  '0x1F',
  '1_000',
  '\u0663',
  '\uff11\uff12',
  'true',
  'false',
  'TRUE',
  '{}',
  '[]',
  '[1,2]',
  '{"a":1}',
  '{"a":{"b":1}}',
  '{"a":[1]}',
  '{"a":null}',
  '{"__proto__":{"x":"1"}}',
  '{"__proto__":"x"}',
  '{"constructor":{"prototype":{"x":1}}}',
  '{',
  '"',
  "'",
  '\\',
  '%',
  '%00',
  '%zz',
  '%E0%A4%A',
  '@@',
  'a@@',
  '@@a',
  'a@@b@@c',
  '##',
  '#',
  '&',
  '=',
  '?',
  '/',
  '../..',
  '<script>alert(1)</script>',
  "'; DROP TABLE instances; --",
  '${x}',
  '\u0000',
  'a\u0000b',
  '\u0001\u0002\u001f',
  '\u007f',
  '\u202e',
  '\ufeff',
  '\ud83d\ude00',
  '\u00e9',
  '\u4e2d\u6587',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'k=v',
  'k=v,k2',
  '=v',
  ',',
];

const longText = fc
  .tuple(fc.constantFrom(300, 4_000, 20_000, 200_000), fc.constantFrom('x', '9', '\u00e9', '{"a":"', '%'))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));

export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SPECIAL_TEXT) },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  { weight: 2, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.bigInt().map(String) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 2 }) },
  { weight: 1, arbitrary: longText },
);

/** A JSON value of any shape (objects with odd keys, arrays, numbers, nulls). */
export const anyJsonValue: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 });

/** Valid JSON text cut short at some point. */
export function truncated(json: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(json, fc.nat())
    .filter(([text]) => text.length > 1)
    .map(([text, n]) => text.slice(0, 1 + (n % (text.length - 1))));
}

/** An object mixing plausible fields with hostile ones, as JSON text. */
export function jsonObjectOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<string> {
  const mixed: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, plausible] of Object.entries(fields)) {
    mixed[key] = fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: anyJsonValue });
  }
  return fc
    .tuple(fc.record(mixed, { requiredKeys: [] }), fc.dictionary(hostileText, anyJsonValue, { maxKeys: 2 }))
    .map(([known, extra]) => JSON.stringify({ ...extra, ...known }));
}

/** Percent-encodes every byte outside the unreserved set; lone surrogates become U+FFFD, as in a browser. */
export function encodeSegment(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Path segments as a hostile client writes them: encoded values, or raw bad encodings. */
export const rawSegment: fc.Arbitrary<string> = fc.constantFrom(
  '%zz',
  '%',
  '%E0%A4%A',
  '%00',
  '.',
  '..',
  '%2e%2e',
  ';x',
  '%2F',
);

export const USER_AGENTS = [
  undefined,
  'Nacos-Java-Client:v1.4.1',
  'Nacos-Java-Client:v0.9.0',
  'Nacos-Java-Client:v99999999999999999999.1.1',
  'Nacos-Java-Client:v',
  'Nacos-Go-Client:v1.0.0',
  'Nacos-C-Client:vx.y.z',
  'Nacos-Server:v1.4.1',
  'curl/8.0',
  '',
];

/** Content types that are wrong for the body they come with, or odd in themselves. */
export const ODD_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/x-www-form-urlencoded; charset=bogus',
  'application/json; charset=utf-16',
  '*/*',
  'application/x-www-form-urlencoded, application/json',
  ';;;',
];
