// The real Nacos 1.x Node client from npm (CommonJS): registers, then beats on its own.
import { NacosNamingClient } from 'nacos-naming';

/** The part of nacos-naming the cluster tests drive (its bundled typings are loose). */
export interface NacosClient {
  close(): Promise<void>;
  registerInstance(serviceName: string, instance: object): Promise<void>;
}

const quiet = {
  debug: () => undefined,
  info: () => undefined,
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A ready nacos-naming client with every node (`host:port`) in its server list, logging nothing. */
export async function nacosNamingClient(servers: string[]): Promise<NacosClient> {
  const client = new NacosNamingClient({
    logger: quiet as unknown as typeof console,
    serverList: servers.join(','),
    namespace: 'public',
  }) as unknown as NacosClient & { ready(): Promise<void> };
  await client.ready();
  return client;
}
