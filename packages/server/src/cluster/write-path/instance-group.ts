import { instanceKey, type Instance, type Registry } from '@beacon/core';
import type { Mutation } from '../../application/state-backend.js';
import { CHANGE_STREAM, memberOf, shardKeys, shardOf, STREAM_BUDGET } from '../engines/redis-layout.js';
import type { ScriptedRedis } from '../engines/redis-scripts.js';
import { encodeMutation } from '../stream/stream-format.js';

/**
 * Before a durable mutation runs: the ephemeral instances it changes together, whose Redis records
 * must follow it (a metadata batch can change their timings; a deleted service takes them along).
 * All are of one service, so in one shard.
 */
export function ephemeralGroupOf(registry: Registry, m: Mutation): Instance[] {
  if (m.kind !== 'deleteService' && m.kind !== 'batchMetadata') return [];
  const [namespaceId, serviceName] = m.args as [string, string];
  const service = registry.findService(namespaceId, serviceName);
  if (service === undefined) return [];
  const all = [...service.instances()].filter((i) => i.ephemeral);
  if (m.kind === 'deleteService') return all;
  const targets = (m as Mutation<'batchMetadata'>).args[2];
  if (targets === 'ephemeral') return all;
  if (targets === 'persist') return [];
  return targets.flatMap((t) => {
    const instance = t.ephemeral ? service.cluster(t.clusterName)?.ephemeral.get(instanceKey(t.ip, t.port)) : undefined;
    return instance ? [instance] : [];
  });
}

/** After the mutation ran on the view: writes the group's new timings (or removals) and appends `m`. */
export async function publishGroup(
  redis: ScriptedRedis,
  registry: Registry,
  group: readonly Instance[],
  origin: string,
  m: Mutation,
): Promise<void> {
  const { namespaceId, serviceName } = group[0]!.address;
  const k = shardKeys(shardOf(namespaceId, serviceName));
  const pairs: string[] = [];
  for (const instance of group) {
    const { timeoutMs, deleteTimeoutMs } = instance.timings;
    pairs.push(memberOf(instance.address), registry.isAttached(instance) ? `${timeoutMs},${deleteTimeoutMs}` : '');
  }
  await redis.beaconGroup(
    k.inst,
    k.meta,
    k.due,
    CHANGE_STREAM,
    k.owner,
    origin,
    encodeMutation(m),
    STREAM_BUDGET.length(),
    ...pairs,
  );
}
