import type { InstanceAddress, Registry } from '@beacon/core';
import type { Mutation } from '../../application/state-backend.js';

/*
 * Which way a mutation goes in cluster mode (docs/cluster.md, "Writes in cluster
 * mode"): Redis only, or the durable path through PostgreSQL; and what it touches in Redis.
 */

/** Only an ephemeral instance of a service and cluster that exist: nothing durable changes, Redis is enough. */
export function takesEphemeralPath(registry: Registry, m: Mutation): boolean {
  switch (m.kind) {
    case 'registerInstance': {
      const [cmd] = (m as Mutation<'registerInstance'>).args;
      return (
        cmd.ephemeral && registry.findService(cmd.namespaceId, cmd.serviceName)?.cluster(cmd.clusterName) !== undefined
      );
    }
    case 'deregisterInstance':
      return (m as Mutation<'deregisterInstance'>).args[0].ephemeral;
    case 'patchInstance': {
      const [cmd] = (m as Mutation<'patchInstance'>).args;
      return cmd.metadata === undefined && registry.findInstance(cmd)?.ephemeral === true;
    }
    case 'setHealthManually':
      return registry.findInstance((m as Mutation<'setHealthManually'>).args[0])?.ephemeral === true;
    default:
      return false;
  }
}

/** For an ephemeral registration: the service and cluster it creates (so that others can wait). */
export function creationKey(m: Mutation): string | undefined {
  if (m.kind !== 'registerInstance') return undefined;
  const [cmd] = (m as Mutation<'registerInstance'>).args;
  return cmd.ephemeral ? `${cmd.namespaceId}\u0000${cmd.serviceName}\u0000${cmd.clusterName}` : undefined;
}

/** The one instance a mutation changes, if it names one. */
export function instanceAddressOf(m: Mutation): InstanceAddress | undefined {
  switch (m.kind) {
    case 'registerInstance':
    case 'updateInstance':
    case 'deregisterInstance':
    case 'patchInstance':
    case 'setHealthManually':
    case 'editInstanceMetadata':
    case 'editInstance':
      return toAddress(m.args[0] as InstanceAddress);
    default:
      return undefined;
  }
}

/** Mutations whose instance, when ephemeral, lives in Redis and must be written there too. */
export function isEphemeralTarget(m: Mutation): boolean {
  if (m.kind === 'registerInstance' || m.kind === 'updateInstance' || m.kind === 'deregisterInstance') {
    return (m.args[0] as { ephemeral: boolean }).ephemeral;
  }
  return instanceAddressOf(m) !== undefined;
}

function toAddress(a: InstanceAddress): InstanceAddress {
  return { namespaceId: a.namespaceId, serviceName: a.serviceName, clusterName: a.clusterName, ip: a.ip, port: a.port };
}
