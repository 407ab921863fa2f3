/** The admin every test server has, so that a test can log in whether auth is on or off. */
export const ADMIN = { username: 'nacos', password: 'admin-Passw0rd-for-tests' } as const;
export const TEST_TOKEN_SECRET = 'a-test-secret-that-is-long-enough-0123456789';

/** Environment values; `undefined` removes a default (to test a start without it). */
export type BeaconEnv = Readonly<Record<string, string | undefined>>;

/**
 * What every test server starts with, under the caller's `env`. Auth is on in real starts; tests
 * that are about auth turn it on. Health checks may probe loopback, where test instances live.
 */
export const TEST_ENV: BeaconEnv = {
  NO_COLOR: '1',
  BEACON_AUTH: 'off',
  BEACON_ADMIN_PASSWORD: ADMIN.password,
  BEACON_TOKEN_SECRET: TEST_TOKEN_SECRET,
  BEACON_HEALTH_CHECK_ALLOW: '127.0.0.0/8',
  // A free gRPC port: the default, PORT + 1000, may be taken. Tests of Nacos 2.x clients, which
  // derive it from the HTTP port, set the pair themselves.
  BEACON_GRPC_PORT: '0',
};

/** `base` overlaid with `env`, without the keys `env` sets to undefined. */
export function mergeEnv(...layers: (BeaconEnv | undefined)[]): Record<string, string> {
  const merged: Record<string, string | undefined> = {};
  for (const layer of layers) Object.assign(merged, layer);
  return Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** The admin a server started with `env` has, if any. */
export function adminOf(env: Readonly<Record<string, string>>): { username: string; password: string } | undefined {
  const password = env['BEACON_ADMIN_PASSWORD'];
  return password ? { username: ADMIN.username, password } : undefined;
}
