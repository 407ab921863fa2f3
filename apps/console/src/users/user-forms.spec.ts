import { describe, expect, it } from 'vitest';
import { passwordError, resourceError, roleError, usernameError } from './user-forms.js';

describe('user administration forms', () => {
  it('checks usernames and roles like the server', () => {
    expect(usernameError('alice')).toBeUndefined();
    expect(usernameError('ops.team@corp-1')).toBeUndefined();
    expect(usernameError('')).toBe('Enter a username');
    expect(usernameError('bob smith')).toBeDefined();
    expect(usernameError('x'.repeat(65))).toBeDefined();
    expect(roleError('readers')).toBeUndefined();
    expect(roleError(' ')).toBe('Enter a role name');
  });

  it('wants passwords of 8 characters or more without surrounding spaces', () => {
    expect(passwordError('short')).toBe('At least 8 characters');
    expect(passwordError(' padded-password')).toBe('No spaces at the start or end');
    expect(passwordError('long enough')).toBeUndefined();
  });

  it('wants resources as namespace:group:service', () => {
    expect(resourceError('public:*:*')).toBeUndefined();
    expect(resourceError('dev:shop:naming/orders')).toBeUndefined();
    expect(resourceError('public')).toBeDefined();
    expect(resourceError('')).toBe('Enter a resource, e.g. public:*:*');
  });
});
