import { InvalidParameterError } from '@beacon/core';

/** The password exactly as sent (BodyReader trims, and a password must not be altered). */
export function passwordOf(body: unknown): string {
  const value = (body as Record<string, unknown> | null | undefined)?.['password'];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new InvalidParameterError('password must be a string');
  return value;
}
