/**
 * Fills a registry fast through the Nacos registration API (what real clients call), a few
 * requests in flight at a time, so a test can start from 1,000 services in a few seconds.
 */
export interface SeedInstance {
  readonly serviceName: string;
  readonly ip: string;
  readonly port: number;
  readonly namespaceId?: string;
  readonly groupName?: string;
  readonly clusterName?: string;
  readonly ephemeral?: boolean;
  readonly metadata?: Record<string, string>;
}

/** Ephemeral instances that stay healthy for an hour without beating: the test does not beat. */
export const QUIET_FOR_AN_HOUR = {
  'preserved.heart.beat.interval': '60000',
  'preserved.heart.beat.timeout': '3600000',
  'preserved.ip.delete.timeout': '3700000',
};

export async function registerAll(
  baseUrl: string,
  instances: readonly SeedInstance[],
  options: { token?: string; concurrency?: number } = {},
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < instances.length) {
      const instance = instances[next++]!;
      const params = new URLSearchParams({
        namespaceId: instance.namespaceId ?? 'public',
        serviceName: instance.serviceName,
        groupName: instance.groupName ?? 'DEFAULT_GROUP',
        clusterName: instance.clusterName ?? 'DEFAULT',
        ip: instance.ip,
        port: String(instance.port),
        ephemeral: String(instance.ephemeral ?? true),
        metadata: JSON.stringify(instance.metadata ?? QUIET_FOR_AN_HOUR),
      });
      if (options.token) params.set('accessToken', options.token);
      const response = await fetch(`${baseUrl}/nacos/v1/ns/instance?${params.toString()}`, { method: 'POST' });
      const body = await response.text();
      if (body !== 'ok') throw new Error(`registering ${instance.serviceName} failed: ${response.status} ${body}`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
}
