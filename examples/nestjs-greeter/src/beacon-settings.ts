import type { BeaconModuleOptions } from '@beacon/nestjs';

/** A setting the example cannot run with; main.ts prints its message alone, before Nest starts. */
export class SettingsError extends Error {}

/**
 * The Beacon settings both apps read from the environment (forRootAsync would take them from
 * @nestjs/config the same way), with the names of the SDK's examples: BEACON_SERVERS (comma-separated,
 * default 127.0.0.1:8848), and BEACON_USERNAME (default `nacos`) with BEACON_PASSWORD, or else
 * BEACON_ADMIN_PASSWORD (the quickstart's). No password: no login (a server with BEACON_AUTH=off).
 * Loopback unless told otherwise: the example runs on one machine.
 */
export function beaconSettings(env: NodeJS.ProcessEnv = process.env): BeaconModuleOptions {
  const settings: BeaconModuleOptions = {
    serverAddresses: (env['BEACON_SERVERS'] || '127.0.0.1:8848').split(',').map((a) => a.trim()),
    ip: env['BEACON_IP'] ?? '127.0.0.1',
    metadata: {
      // How often this instance beats, and how soon the registry gives up on it (ms).
      'preserved.heart.beat.interval': env['BEACON_BEAT_INTERVAL_MS'] ?? '5000',
      'preserved.heart.beat.timeout': env['BEACON_BEAT_TIMEOUT_MS'] ?? '15000',
      'preserved.ip.delete.timeout': env['BEACON_DELETE_TIMEOUT_MS'] ?? '30000',
    },
  };
  const password = env['BEACON_PASSWORD'] || env['BEACON_ADMIN_PASSWORD'];
  if (password) {
    settings.username = env['BEACON_USERNAME'] || 'nacos';
    settings.password = password;
  } else if (env['BEACON_USERNAME']) {
    throw new SettingsError(
      `BEACON_USERNAME is set (${env['BEACON_USERNAME']}) but no password: set BEACON_PASSWORD too, or unset BEACON_USERNAME for a server with auth off`,
    );
  }
  return settings;
}

/** Reads the settings once before Nest starts: a mistake is one line and exit code 2, not a stack trace. */
export function checkSettings(): void {
  try {
    beaconSettings();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

/** Listens on PORT (a free one by default) and says where, so scripts and tests can find it. */
export async function listen(
  app: { listen(port: number, host: string): Promise<unknown>; getUrl(): Promise<string> },
  name: string,
): Promise<void> {
  await app.listen(Number(process.env['PORT'] ?? 0), process.env['HOST'] ?? '127.0.0.1');
  console.log(`${name} listening on ${await app.getUrl()}`);
}
