import type { RawHttp } from './raw-http.js';

export interface ObservedInstance {
  ip: string;
  port: number;
  clusterName: string;
  healthy: boolean;
  ephemeral: boolean;
  metadata: Record<string, string>;
  lastBeat: number;
  registeredAt: number;
}

export interface ObservedService {
  revision: number;
  instanceCount: number;
  healthyCount: number;
  instances: ObservedInstance[];
}

/** A service as /api/v1 shows it (null when it does not exist). */
export async function observeService(
  http: RawHttp,
  name: string,
  group = 'DEFAULT_GROUP',
  namespaceId = 'public',
): Promise<ObservedService | null> {
  const res = await http.send({ method: 'GET', path: `/api/v1/namespaces/${namespaceId}/services/${group}/${name}` });
  if (res.status === 404) return null;
  if (res.status !== 200) throw new Error(`GET service ${name}: ${res.status} ${res.body}`);
  const detail = JSON.parse(res.body) as ObservedService & { clusters: { instances: ObservedInstance[] }[] };
  return {
    revision: detail.revision,
    instanceCount: detail.instanceCount,
    healthyCount: detail.healthyCount,
    instances: detail.clusters.flatMap((c) => c.instances),
  };
}

export function findInstance(service: ObservedService | null, ip: string, port: number): ObservedInstance | undefined {
  return service?.instances.find((i) => i.ip === ip && i.port === port);
}

/** A small seeded PRNG (mulberry32), so "random" drops and kill moments repeat run to run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
