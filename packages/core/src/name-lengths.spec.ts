import { describe, expect, it } from 'vitest';
import { checkNameLengths, DEFAULT_NAME_LENGTHS } from './name-lengths.js';

describe('checkNameLengths', () => {
  const limits = { ...DEFAULT_NAME_LENGTHS, serviceName: 5, groupName: 3 };

  it('checks a grouped service name as its group and its bare name', () => {
    expect(() => checkNameLengths(limits, { serviceName: 'abc@@12345' })).not.toThrow();
    expect(() => checkNameLengths(limits, { serviceName: 'abcd@@1' })).toThrow("Param 'groupName' is too long");
    expect(() => checkNameLengths(limits, { serviceName: 'abc@@123456' })).toThrow(
      "Param 'serviceName' is too long: 6 characters, at most 5 are allowed",
    );
  });

  it('skips values that are not given', () => {
    expect(() => checkNameLengths(limits, { app: undefined, ip: '127.0.0.1' })).not.toThrow();
    expect(() => checkNameLengths(limits, { app: 'a'.repeat(129) })).toThrow("Param 'app' is too long");
  });
});
