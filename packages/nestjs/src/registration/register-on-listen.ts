import type { NamingClient } from '@beacon/sdk';
import { createNamingClient } from '../config/create-naming-client.js';
import { resolveBeaconOptions, type BeaconConnectionOptions, type BeaconInstanceOptions } from '../config/options.js';
import { DiscoveryClient } from '../discovery/discovery-client.js';
import { InstanceRegistration, type ListeningServer, type RegistrationLogger } from './instance-registration.js';

export type RegisterOnListenOptions = BeaconConnectionOptions & BeaconInstanceOptions;

export interface ListenRegistration {
  readonly registration: InstanceRegistration;
  readonly discovery: DiscoveryClient;
  readonly client: NamingClient;
  /** Deregisters, then closes the SDK client. Call it before `server.close()`, so peers stop calling first. */
  stop(): Promise<void>;
}

const LABEL = 'registerOnListen';

/**
 * For Express, Fastify or plain `http` applications without Nest: registers the instance when
 * `server` listens (at once if it already does), on its port unless `port` is given, and keeps it
 * alive with the SDK's beats. Throws at once, naming the option, when the options are wrong.
 *
 *   const server = app.listen(3000);                      // Express
 *   const beacon = registerOnListen(server, { serverAddresses: '127.0.0.1:8848', serviceName: 'orders' });
 *   process.once('SIGTERM', async () => { await beacon.stop(); server.close(); });
 *
 * With Fastify, pass `fastify.server`.
 */
export function registerOnListen(
  server: ListeningServer,
  options: RegisterOnListenOptions,
  logger: RegistrationLogger = console,
): ListenRegistration {
  if (!server || typeof server.once !== 'function' || typeof server.address !== 'function') {
    throw new TypeError(`${LABEL}: server must be a Node http(s).Server (with Fastify: fastify.server)`);
  }
  const resolved = resolveBeaconOptions({ ...options, register: true }, LABEL);
  const client = createNamingClient(resolved.client, LABEL);
  const registration = new InstanceRegistration(client, resolved.instance, logger);
  registration.listenOn(server);
  return {
    registration,
    discovery: new DiscoveryClient(client, resolved.groupName),
    client,
    async stop() {
      await registration.deregister();
      await client.close();
    },
  };
}
