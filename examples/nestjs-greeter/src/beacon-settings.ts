import type { BeaconModuleOptions } from '@beacon/nestjs';

/**
 * The Beacon settings both apps read from the environment (forRootAsync would take them from
 * @nestjs/config the same way). Loopback unless told otherwise: the example runs on one machine.
 */
export function beaconSettings(env: NodeJS.ProcessEnv = process.env): BeaconModuleOptions {
  const settings: BeaconModuleOptions = {
    serverAddresses: env['BEACON_SERVER_ADDRESSES'] ?? '127.0.0.1:8848',
    ip: env['BEACON_IP'] ?? '127.0.0.1',
    metadata: {
      // How often this instance beats, and how soon the registry gives up on it (ms).
      'preserved.heart.beat.interval': env['BEACON_BEAT_INTERVAL_MS'] ?? '5000',
      'preserved.heart.beat.timeout': env['BEACON_BEAT_TIMEOUT_MS'] ?? '15000',
      'preserved.ip.delete.timeout': env['BEACON_DELETE_TIMEOUT_MS'] ?? '30000',
    },
  };
  if (env['BEACON_USERNAME'] !== undefined) settings.username = env['BEACON_USERNAME'];
  if (env['BEACON_PASSWORD'] !== undefined) settings.password = env['BEACON_PASSWORD'];
  return settings;
}

/** Listens on PORT (a free one by default) and says where, so scripts and tests can find it. */
export async function listen(
  app: { listen(port: number, host: string): Promise<unknown>; getUrl(): Promise<string> },
  name: string,
): Promise<void> {
  await app.listen(Number(process.env['PORT'] ?? 0), process.env['HOST'] ?? '127.0.0.1');
  console.log(`${name} listening on ${await app.getUrl()}`);
}
