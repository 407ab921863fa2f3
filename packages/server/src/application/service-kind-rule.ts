import { InvalidParameterError, type Service } from '@beacon/core';

/**
 * Nacos 2.x's rule on its 2.x face (docs/adr/0014): a service that holds only ephemeral instances
 * refuses a persistent one (PersistentClientOperationServiceImpl's text). Beacon has no kind per
 * service, so a service is judged by what it holds now; an empty service, or one that 1.x clients
 * filled with both, takes either. An ephemeral registration is never refused: the client re-sends
 * it by itself after every reconnect, and a service that the 1.x face made persistent-only while the
 * connection was away (a restart drops ephemeral instances, persistent ones stay) would refuse that
 * redo forever: the instance would never come back (seen with nacos-sdk-python 3.2.0).
 */
export function checkServiceKind(service: Service | undefined, ephemeral: boolean, batch = false): void {
  if (service === undefined || ephemeral) return;
  let same = 0;
  let other = 0;
  for (const cluster of service.clusters.values()) {
    same += cluster.instancesOf(ephemeral).size;
    other += cluster.instancesOf(!ephemeral).size;
  }
  if (other === 0 || same > 0) return;
  const verb = batch ? 'batch register' : 'register';
  throw new InvalidParameterError(
    `Current service ${service.name} is ephemeral service, can't ${verb} persistent instance.`,
  );
}
