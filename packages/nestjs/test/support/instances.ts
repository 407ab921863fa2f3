import type { Instance } from '@beacon/sdk';

/** An instance as the registry lists it: healthy, enabled, weight 1, port 80 unless patched. */
export function anInstance(ip: string, patch: Partial<Instance> = {}): Instance {
  const port = patch.port ?? 80;
  return {
    instanceId: `${ip}#${port}`,
    ip,
    port,
    weight: 1,
    healthy: true,
    enabled: true,
    ephemeral: true,
    clusterName: 'DEFAULT',
    serviceName: 'DEFAULT_GROUP@@greeter',
    metadata: {},
    ...patch,
  };
}
