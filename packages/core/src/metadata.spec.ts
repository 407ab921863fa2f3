import { describe, expect, it } from 'vitest';
import { InvalidParameterError } from './errors.js';
import {
  DEFAULT_TIMINGS,
  EMPTY_METADATA,
  checkTimingOverrides,
  freezeMetadata,
  mergeMetadataChanges,
  parseMetadata,
  resolveTimings,
  sameMetadata,
  toStringMap,
  validateTimingEdit,
} from './metadata.js';

describe('parseMetadata', () => {
  it('gives an empty map for missing or blank input', () => {
    expect(parseMetadata(undefined)).toEqual({});
    expect(parseMetadata('')).toEqual({});
    expect(parseMetadata('   ')).toEqual({});
  });

  it('parses a JSON object of strings', () => {
    expect(parseMetadata('{"k":"v","preserved.register.source":"SPRING_CLOUD"}')).toEqual({
      k: 'v',
      'preserved.register.source': 'SPRING_CLOUD',
    });
  });

  it('keeps JSON numbers and booleans as their text and drops nulls', () => {
    expect(parseMetadata('{"n":1,"f":1.5,"b":true,"z":null}')).toEqual({ n: '1', f: '1.5', b: 'true' });
  });

  it('accepts JSON with surrounding whitespace', () => {
    expect(parseMetadata('  {"k":"v"}  ')).toEqual({ k: 'v' });
  });

  it('parses the k=v,k2=v2 fallback', () => {
    expect(parseMetadata('k=v,k2=v2')).toEqual({ k: 'v', k2: 'v2' });
  });

  it('trims keys and values of the k=v fallback', () => {
    expect(parseMetadata(' k = v , k2=v2 ')).toEqual({ k: 'v', k2: 'v2' });
  });

  it.each(['abc', '{not json', '{"a":{"b":"c"}}', '{"a":["x"]}', '=v', 'k=v,oops', '[1,2]', 'k=v,,k2=v2'])(
    'refuses %j with "metadata format incorrect:<raw>"',
    (raw) => {
      expect(() => parseMetadata(raw)).toThrow(new InvalidParameterError(`metadata format incorrect:${raw}`));
    },
  );
});

describe('toStringMap', () => {
  it('refuses non-objects', () => {
    expect(() => toStringMap(null)).toThrow('metadata format incorrect:null');
    expect(() => toStringMap('x')).toThrow('metadata format incorrect:"x"');
    expect(() => toStringMap(['a'])).toThrow('metadata format incorrect:["a"]');
  });

  it('uses the raw text in the message when given', () => {
    expect(() => toStringMap(5, 'five')).toThrow('metadata format incorrect:five');
  });
});

describe('resolveTimings', () => {
  it('returns the shared defaults when no preserved key is set', () => {
    expect(resolveTimings({})).toBe(DEFAULT_TIMINGS);
    expect(resolveTimings({ other: '1' })).toBe(DEFAULT_TIMINGS);
    expect(DEFAULT_TIMINGS).toEqual({
      intervalMs: 5000,
      timeoutMs: 15000,
      deleteTimeoutMs: 30000,
      intervalFromMetadata: undefined,
    });
  });

  it('reads every preserved timing', () => {
    expect(
      resolveTimings({
        'preserved.heart.beat.interval': '1000',
        'preserved.heart.beat.timeout': '3000',
        'preserved.ip.delete.timeout': '9000',
      }),
    ).toEqual({ intervalMs: 1000, timeoutMs: 3000, deleteTimeoutMs: 9000, intervalFromMetadata: 1000 });
  });

  it('stretches timeouts sized for an interval under 1 s to 3 and 6 of the 1 s beats the client is told to send', () => {
    expect(
      resolveTimings({
        'preserved.heart.beat.interval': '100',
        'preserved.heart.beat.timeout': '300',
        'preserved.ip.delete.timeout': '600',
      }),
    ).toEqual({ intervalMs: 100, timeoutMs: 3000, deleteTimeoutMs: 6000, intervalFromMetadata: 100 });
    // Longer timeouts stand; an interval of 1 s or more leaves them as set.
    expect(
      resolveTimings({ 'preserved.heart.beat.interval': '0', 'preserved.heart.beat.timeout': '20000' }),
    ).toMatchObject({ timeoutMs: 20000, deleteTimeoutMs: 30000 });
    expect(
      resolveTimings({ 'preserved.heart.beat.interval': '1000', 'preserved.heart.beat.timeout': '1500' }),
    ).toMatchObject({ timeoutMs: 1500 });
  });

  it('defaults the keys that are not set', () => {
    expect(resolveTimings({ 'preserved.heart.beat.timeout': '3000' })).toEqual({
      intervalMs: 5000,
      timeoutMs: 3000,
      deleteTimeoutMs: 30000,
      intervalFromMetadata: undefined,
    });
  });

  it.each(['2s', '-1', ' 2000', '2000 ', '1.5', '1e3', '', '0x10', '+5'])('ignores the non-digit value %j', (value) => {
    expect(
      resolveTimings({
        'preserved.heart.beat.interval': value,
        'preserved.heart.beat.timeout': value,
        'preserved.ip.delete.timeout': value,
      }),
    ).toBe(DEFAULT_TIMINGS);
  });

  it('ignores one bad key but honours the good ones', () => {
    expect(resolveTimings({ 'preserved.heart.beat.interval': 'abc', 'preserved.heart.beat.timeout': '4000' })).toEqual({
      intervalMs: 5000,
      timeoutMs: 4000,
      deleteTimeoutMs: 30000,
      intervalFromMetadata: undefined,
    });
  });

  it('accepts digits with leading zeros', () => {
    expect(resolveTimings({ 'preserved.heart.beat.interval': '0700' }).intervalMs).toBe(700);
  });
});

describe('validateTimingEdit', () => {
  it('accepts no timings and consistent timings', () => {
    expect(() => validateTimingEdit({})).not.toThrow();
    expect(() =>
      validateTimingEdit({
        'preserved.heart.beat.interval': '1000',
        'preserved.heart.beat.timeout': '3000',
        'preserved.ip.delete.timeout': '6000',
        unrelated: 'x',
      }),
    ).not.toThrow();
  });

  it.each(['abc', '0', '-5', '1.5', ' 10'])('refuses the non-positive or non-digit interval %j', (value) => {
    expect(() => validateTimingEdit({ 'preserved.heart.beat.interval': value })).toThrow(
      new InvalidParameterError(`preserved.heart.beat.interval must be a whole number of milliseconds, got: ${value}`),
    );
  });

  it('checks the timeout and delete timeout values too', () => {
    expect(() => validateTimingEdit({ 'preserved.heart.beat.timeout': 'x' })).toThrow(
      'preserved.heart.beat.timeout must be a whole number of milliseconds, got: x',
    );
    expect(() => validateTimingEdit({ 'preserved.ip.delete.timeout': '0' })).toThrow(
      'preserved.ip.delete.timeout must be a whole number of milliseconds, got: 0',
    );
  });

  it('refuses an interval not below the timeout (default timeout applies)', () => {
    expect(() => validateTimingEdit({ 'preserved.heart.beat.interval': '15000' })).toThrow(
      new InvalidParameterError(
        'preserved.heart.beat.interval (15000) must be less than preserved.heart.beat.timeout (15000)',
      ),
    );
    expect(() => validateTimingEdit({ 'preserved.heart.beat.interval': '14999' })).not.toThrow();
  });

  it('refuses a timeout not below the delete timeout', () => {
    expect(() => validateTimingEdit({ 'preserved.heart.beat.timeout': '30000' })).toThrow(
      new InvalidParameterError(
        'preserved.heart.beat.timeout (30000) must be less than preserved.ip.delete.timeout (30000)',
      ),
    );
    expect(() =>
      validateTimingEdit({
        'preserved.heart.beat.interval': '1000',
        'preserved.heart.beat.timeout': '3000',
        'preserved.ip.delete.timeout': '2000',
      }),
    ).toThrow('preserved.heart.beat.timeout (3000) must be less than preserved.ip.delete.timeout (2000)');
  });
});

describe('sameMetadata / freezeMetadata', () => {
  it('compares maps by keys and values', () => {
    expect(sameMetadata({ a: '1', b: '2' }, { b: '2', a: '1' })).toBe(true);
    expect(sameMetadata({ a: '1' }, { a: '2' })).toBe(false);
    expect(sameMetadata({ a: '1' }, { a: '1', b: '2' })).toBe(false);
    expect(sameMetadata({ a: '1', c: '3' }, { a: '1', b: '3' })).toBe(false);
  });

  it('freezes, and shares the empty map', () => {
    expect(freezeMetadata({})).toBe(EMPTY_METADATA);
    const frozen = freezeMetadata({ a: '1' });
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(frozen).toEqual({ a: '1' });
  });
});

describe('mergeMetadataChanges (null means remove)', () => {
  it('sets keys, removes null ones, and falls back to the fallback value of a removed key', () => {
    const base = { a: '1', b: '2', c: '3' };
    expect(mergeMetadataChanges(base, { a: 'x', b: null, d: '4' })).toEqual({ a: 'x', c: '3', d: '4' });
    expect(mergeMetadataChanges(base, { b: null, c: null }, { b: 'client' })).toEqual({ a: '1', b: 'client' });
    expect(base).toEqual({ a: '1', b: '2', c: '3' });
  });
});

describe('checkTimingOverrides', () => {
  const KEY = 'preserved.heart.beat.interval';
  it('judges only the timing keys whose value the edit changes', () => {
    expect(() => checkTimingOverrides({ [KEY]: '999' }, {})).toThrow(`${KEY} must be a whole number`);
    expect(() => checkTimingOverrides({ [KEY]: '999' }, { [KEY]: '999' })).not.toThrow();
    expect(() => checkTimingOverrides({ zone: '1' }, {})).not.toThrow();
    expect(() => checkTimingOverrides({ [KEY]: '1000', 'preserved.ip.delete.timeout': '3600000' }, {})).not.toThrow();
  });
});
