/** Checks the server makes too (auth/access-directory), made while typing. */
export const MIN_PASSWORD_LENGTH = 8;
const USERNAME = /^[\w.@-]{1,64}$/;
const RESOURCE = /^[^:\s]+:[^:\s]+:[^\s]+$/;

export function usernameError(username: string): string | undefined {
  if (username.trim() === '') return 'Enter a username';
  if (!USERNAME.test(username.trim())) return "Letters, digits, '_', '.', '@' and '-' only, at most 64";
  return undefined;
}

export function passwordError(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `At least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.trim() !== password) return 'No spaces at the start or end';
  return undefined;
}

export function roleError(role: string): string | undefined {
  if (role.trim() === '') return 'Enter a role name';
  if (!USERNAME.test(role.trim())) return "Letters, digits, '_', '.', '@' and '-' only";
  return undefined;
}

/** `namespace:group:naming/service`, `*` for any part, e.g. `public:*:*`. */
export function resourceError(resource: string): string | undefined {
  if (resource.trim() === '') return 'Enter a resource, e.g. public:*:*';
  if (!RESOURCE.test(resource.trim()))
    return 'Write it as namespace:group:service, e.g. public:*:* or dev:shop:naming/orders';
  return undefined;
}
