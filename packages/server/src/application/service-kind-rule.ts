import { InvalidParameterError, type Service } from '@beacon/core';

/**
 * Nacos 2.x's rule on its 2.x face (docs/adr/0014): a service is ephemeral or persistent, and takes
 * only instances of its kind (EphemeralClientOperationServiceImpl / PersistentClientOperationServiceImpl,
 * with their texts). Beacon has no kind per service, so a service is judged by what it holds now:
 * only ephemeral instances make it ephemeral, only persistent ones persistent; an empty service, or
 * one that 1.x clients filled with both, takes either. The 1.x HTTP face and the native API keep
 * Nacos 1.x's model, where both kinds live side by side.
 */
export function checkServiceKind(service: Service | undefined, ephemeral: boolean, batch = false): void {
  if (service === undefined) return;
  let same = 0;
  let other = 0;
  for (const cluster of service.clusters.values()) {
    same += cluster.instancesOf(ephemeral).size;
    other += cluster.instancesOf(!ephemeral).size;
  }
  if (other === 0 || same > 0) return;
  const verb = batch ? 'batch register' : 'register';
  throw new InvalidParameterError(
    ephemeral
      ? `Current service ${service.name} is persistent service, can't ${verb} ephemeral instance.`
      : `Current service ${service.name} is ephemeral service, can't ${verb} persistent instance.`,
  );
}
