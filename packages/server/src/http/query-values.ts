import { InvalidParameterError } from '@beacon/core';

/** A whole number within [min, max], or the fallback when absent; anything else is a 400 naming the range. */
export function queryInt(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidParameterError(`${name} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

/** One of a fixed set of words, or the fallback when absent; anything else is a 400 naming the choices. */
export function queryChoice<T extends string>(
  name: string,
  raw: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim();
  if (!(choices as readonly string[]).includes(value)) {
    throw new InvalidParameterError(`${name} must be one of ${choices.join(', ')}`);
  }
  return value as T;
}
