import { instanceKey, type Instance, type Registry } from '@beacon/core';
import type { Redis } from 'ioredis';
import type { Mutation } from '../../application/state-backend.js';
import { CHANGE_STREAM, memberOf, shardKeys, shardOf, STREAM_MAXLEN } from '../engines/redis-layout.js';
import { PARSE_META } from '../engines/redis-scripts.js';

/**
 * KEYS inst meta due stream owner; ARGV origin mutation maxlen, then member, timings pairs
 * ("timeout,deleteTimeout", or '' for an instance that is gone). New timings keep Redis's health
 * and last beat and move the deadline (a connection-held instance, in `owner`, has none); a gone
 * instance's records go. The mutation is appended in the same call, so other nodes hear of it only
 * if Redis took it all.
 */
const GROUP = `${PARSE_META}
for i = 4, #ARGV, 2 do
  local k = ARGV[i]
  if ARGV[i + 1] == '' then
    redis.call('HDEL', KEYS[1], k)
    redis.call('HDEL', KEYS[2], k)
    redis.call('ZREM', KEYS[3], k)
    redis.call('HDEL', KEYS[5], k)
  else
    local m = redis.call('HGET', KEYS[2], k)
    if m then
      local _, _, h, mk, last = parse(m)
      local t, d = string.match(ARGV[i + 1], '^(%d+),(%d+)$')
      t = tonumber(t)
      d = tonumber(d)
      redis.call('HSET', KEYS[2], k, t .. ',' .. d .. ',' .. h .. ',' .. mk .. ',' .. last)
      if mk == '0' and redis.call('HEXISTS', KEYS[5], k) == 0 then
        redis.call('ZADD', KEYS[3], deadline(t, d, h, last), k)
      end
    end
  end
end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[3], '*', 'o', ARGV[1], 'm', ARGV[2])
return 1
`;

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
  redis: Redis,
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
  const keys = [k.inst, k.meta, k.due, CHANGE_STREAM, k.owner];
  await redis.eval(GROUP, keys.length, ...keys, origin, JSON.stringify(m), STREAM_MAXLEN, ...pairs);
}
