import { afterAll, beforeAll } from 'vitest';
import { spawnServer, type SpawnedServer } from '@beacon/test-support';

/** The built Beacon server in its own process for the whole file, on a free loopback port. */
export function useBeaconServer(env: Record<string, string> = {}): () => SpawnedServer {
  let beacon: SpawnedServer | undefined;
  beforeAll(async () => {
    beacon = await spawnServer({ env: { BEACON_EXPIRY_TICK_MS: '100', ...env } });
  });
  afterAll(async () => {
    await beacon?.close();
  });
  return () => {
    if (!beacon) throw new Error('the Beacon server is not started yet (use it inside tests and hooks)');
    return beacon;
  };
}

export interface ListedHost {
  ip: string;
  port: number;
  healthy: boolean;
  metadata: Record<string, string>;
}

/** The registry's own list of a service (its Nacos face), without any client cache. */
export async function listedHosts(baseUrl: string, serviceName: string): Promise<ListedHost[]> {
  const url = `${baseUrl}/nacos/v1/ns/instance/list?serviceName=${encodeURIComponent(serviceName)}`;
  return ((await (await fetch(url)).json()) as { hosts: ListedHost[] }).hosts;
}
