import { describe, expect, it } from 'vitest';
import { ParamReader } from './param-reader.js';

describe('ParamReader.from (query + form body, docs/nacos-protocol.md §0)', () => {
  it('reads a name from the query or the body; the query wins when both have it', () => {
    const p = ParamReader.from({ serviceName: 'q', ip: '1.1.1.1' }, { serviceName: 'b', beat: '{}' });
    expect(p.get('serviceName')).toBe('q');
    expect(p.get('ip')).toBe('1.1.1.1');
    expect(p.get('beat')).toBe('{}');
    expect(p.get('port')).toBeUndefined();
  });

  it('trims, and treats blank as missing, even when the blank value hides a body value', () => {
    const p = ParamReader.from({ a: '  x ', b: '   ' }, { b: 'from-body' });
    expect(p.get('a')).toBe('x');
    expect(p.get('b')).toBeUndefined();
  });

  it('takes the first of repeated parameters, and numbers and booleans as text', () => {
    const p = ParamReader.from({ port: ['8080', '9090'], n: 5, t: true }, undefined);
    expect(p.get('port')).toBe('8080');
    expect(p.requiredInt('port')).toBe(8080);
    expect(p.get('n')).toBe('5');
    expect(p.bool('t', false)).toBe(true);
  });

  it('ignores values that are not text (a JSON body object), falling back to the other source', () => {
    const p = ParamReader.from({ metadata: { nested: 1 } }, { metadata: '{"k":"v"}', list: [] });
    expect(p.get('metadata')).toBe('{"k":"v"}');
    expect(p.get('list')).toBeUndefined();
  });

  it('has no parameters it did not receive: inherited names, buffers and missing sources read as missing', () => {
    const p = ParamReader.from(Object.create(null), Buffer.from('serviceName=x'));
    expect(p.get('constructor')).toBeUndefined();
    expect(p.get('toString')).toBeUndefined();
    expect(p.get('serviceName')).toBeUndefined();
    expect(ParamReader.from(undefined, null).has('anything')).toBe(false);
    expect(new ParamReader({ a: 'b' }).get('hasOwnProperty')).toBeUndefined();
  });
});
