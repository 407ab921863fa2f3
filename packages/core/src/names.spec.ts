import { describe, expect, it } from 'vitest';
import { InvalidParameterError, MissingParameterError, requireParam } from './errors.js';
import {
  bareName,
  byName,
  checkClusterName,
  checkGroupedName,
  checkServiceNameChars,
  groupOf,
  normalizeNamespace,
  toGroupedName,
} from './names.js';

describe('toGroupedName (DistroFilter)', () => {
  it('joins a bare name to DEFAULT_GROUP when no group is given', () => {
    expect(toGroupedName('demo', undefined)).toBe('DEFAULT_GROUP@@demo');
  });

  it('treats a blank group as DEFAULT_GROUP', () => {
    expect(toGroupedName('demo', '')).toBe('DEFAULT_GROUP@@demo');
    expect(toGroupedName('demo', '   ')).toBe('DEFAULT_GROUP@@demo');
  });

  it('joins a bare name to the given (trimmed) group', () => {
    expect(toGroupedName('demo', 'g1')).toBe('g1@@demo');
    expect(toGroupedName('demo', ' g1 ')).toBe('g1@@demo');
  });

  it('ignores groupName when the name is already grouped', () => {
    expect(toGroupedName('own@@demo', 'other')).toBe('own@@demo');
    expect(toGroupedName('@@demo', 'other')).toBe('@@demo');
  });
});

describe('checkGroupedName (checkServiceNameFormat)', () => {
  const FORMAT = "Param 'serviceName' is illegal, it should be format as 'groupName@@serviceName'";
  const EMPTY_GROUP = "Param 'serviceName' is illegal, groupName can't be empty";

  it('accepts group@@name', () => {
    expect(() => checkGroupedName('DEFAULT_GROUP@@demo')).not.toThrow();
    expect(() => checkGroupedName('g@@a@@b')).not.toThrow();
  });

  it('refuses @@svc: empty group', () => {
    expect(() => checkGroupedName('@@svc')).toThrow(new InvalidParameterError(EMPTY_GROUP));
  });

  it('refuses grp@@: missing service part', () => {
    expect(() => checkGroupedName('grp@@')).toThrow(new InvalidParameterError(FORMAT));
  });

  it('refuses a name without the separator and a bare separator', () => {
    expect(() => checkGroupedName('demo')).toThrow(FORMAT);
    expect(() => checkGroupedName('@@')).toThrow(FORMAT);
    expect(() => checkGroupedName('')).toThrow(FORMAT);
  });

  it('throws an InvalidParameterError (kind invalid)', () => {
    try {
      checkGroupedName('@@svc');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect((error as InvalidParameterError).kind).toBe('invalid');
      expect((error as InvalidParameterError).name).toBe('InvalidParameterError');
    }
  });
});

describe('checkServiceNameChars', () => {
  it('accepts 0-9a-zA-Z@.:_-', () => {
    expect(() => checkServiceNameChars('DEFAULT_GROUP@@a.b:c-d_e09AZ')).not.toThrow();
  });

  it.each(['DEFAULT_GROUP@@a b', 'DEFAULT_GROUP@@a/b', 'DEFAULT_GROUP@@é', 'g@@a*b', 'g@@a+b'])(
    'refuses %j with the Nacos message',
    (name) => {
      expect(() => checkServiceNameChars(name)).toThrow(
        new InvalidParameterError(`dom name can only have these characters: 0-9a-zA-Z-._:, current: ${name}`),
      );
    },
  );
});

describe('checkClusterName', () => {
  it('accepts 0-9a-zA-Z-_ (Nacos 2.x)', () => {
    expect(() => checkClusterName('DEFAULT')).not.toThrow();
    expect(() => checkClusterName('cluster-A-01')).not.toThrow();
    expect(() => checkClusterName('zone_a')).not.toThrow();
  });

  it.each(['a.b', 'a b', '', 'a:b', 'a,b'])('refuses %j with the Nacos 2.x message', (name) => {
    expect(() => checkClusterName(name)).toThrow(
      new InvalidParameterError("Param 'cluster' is illegal, illegal characters should not appear in the param."),
    );
  });
});

describe('normalizeNamespace', () => {
  it('maps missing and blank to public', () => {
    expect(normalizeNamespace(undefined)).toBe('public');
    expect(normalizeNamespace('')).toBe('public');
    expect(normalizeNamespace('  ')).toBe('public');
  });

  it('keeps (and trims) a given namespace', () => {
    expect(normalizeNamespace('dev')).toBe('dev');
    expect(normalizeNamespace(' dev ')).toBe('dev');
  });
});

describe('groupOf / bareName', () => {
  it('split a grouped name at the first separator', () => {
    expect(groupOf('g1@@demo')).toBe('g1');
    expect(bareName('g1@@demo')).toBe('demo');
    expect(bareName('g1@@a@@b')).toBe('a@@b');
  });

  it('treat an ungrouped name as DEFAULT_GROUP', () => {
    expect(groupOf('demo')).toBe('DEFAULT_GROUP');
    expect(bareName('demo')).toBe('demo');
  });
});

describe('requireParam', () => {
  it('refuses missing, null, empty and blank with the Nacos message', () => {
    for (const value of [undefined, null, '', '  ']) {
      expect(() => requireParam(value, 'ip')).toThrow(new MissingParameterError('ip'));
      expect(() => requireParam(value, 'ip')).toThrow(InvalidParameterError);
    }
  });

  it('returns a present value unchanged', () => {
    expect(requireParam(' 10.0.0.1 ', 'ip')).toBe(' 10.0.0.1 ');
    expect(requireParam(0, 'port')).toBe(0);
  });
});

describe('byName', () => {
  it('sorts by code unit, as Java compares strings (upper case before lower, no locale)', () => {
    const names = ['b', 'B', 'a@@x', 'A@@y', 'a'].map((name) => ({ name }));
    expect(names.sort(byName).map((n) => n.name)).toEqual(['A@@y', 'B', 'a', 'a@@x', 'b']);
  });
});
