import { healthAfterBeat } from '@beacon/core';
import type { Redis } from 'ioredis';
import { STREAM_FORMAT_VERSION } from '../stream/stream-format.js';
import type { InstanceScriptKeys } from './redis-layout.js';

/**
 * The Lua scripts of cluster mode: each runs atomically in Redis, so every health transition and
 * every deletion happens exactly once cluster-wide, whichever node runs it and however often.
 * Meta values are "timeout,deleteTimeout,healthy,marked,lastBeat" (see redis-layout.ts).
 */
const PARSE_META = `
local function parse(m)
  local t, d, h, mk, last = string.match(m, '^(%d+),(%d+),(%d),(%d),(%d+)$')
  return tonumber(t), tonumber(d), h, mk, tonumber(last)
end
local function deadline(t, d, h, last)
  if h == '1' then return last + math.min(t, d) + 1 end
  return last + d + 1
end
`;

/**
 * Core's beat rule on health (`healthAfterBeat`) as the BEATS script reads it: the health after a
 * beat ('0' or '1') for healthy,marked = 00, 01, 10, 11. Redis applies it to its own record, the
 * one that counts cluster-wide (a node's view may not have heard of the latest expiry yet).
 */
export const HEALTH_AFTER_BEAT = ['00', '01', '10', '11']
  .map(([healthy, marked]) => (healthAfterBeat(healthy === '1', marked === '1') ? '1' : '0'))
  .join('');

/**
 * KEYS meta due stream; ARGV maxlen, then member, lastBeat pairs: the beats of one shard that a
 * node gathered over a few milliseconds. Sets the last beat and the health core's rule gives
 * (a change appended to the stream), and moves the deadline (a marked instance has none).
 * Returns the members Redis does not know (it restarted empty), for the node to put back.
 */
const BEATS = `${PARSE_META}
local AFTER_BEAT = '${HEALTH_AFTER_BEAT}'
local unknown = {}
for i = 2, #ARGV, 2 do
  local member = ARGV[i]
  local now = tonumber(ARGV[i + 1])
  local m = redis.call('HGET', KEYS[1], member)
  if not m then
    unknown[#unknown + 1] = member
  else
    local t, d, h, mk, last = parse(m)
    if now > last then
      local rule = (h == '1' and 2 or 0) + (mk == '1' and 1 or 0) + 1
      local after = string.sub(AFTER_BEAT, rule, rule)
      redis.call('HSET', KEYS[1], member, t .. ',' .. d .. ',' .. after .. ',' .. mk .. ',' .. now)
      if mk == '0' then redis.call('ZADD', KEYS[2], deadline(t, d, after, now), member) end
      if after ~= h then
        local transition = after == '1' and 'healthy' or 'unhealthy'
        redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[1], '*', 'v', '${STREAM_FORMAT_VERSION}', 'o', 'redis', 't', transition, 'k', member)
      end
    end
  end
end
return unknown
`;

/**
 * Instance writes a client waits for carry a deadline (ms, Redis's clock; '0': none): a write
 * Redis gets to only after its client was answered 503 (Redis stalled) must not land. Returns -1 then.
 */
const LATE = `
local function late(deadline)
  if deadline == '0' then return false end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(deadline)
end
`;

/**
 * KEYS inst meta due stream owner holders; ARGV member registration meta origin mutation
 * onlyIfMissing maxlen holder deadline (LATE). Writes an instance and appends the mutation that made it; with
 * onlyIfMissing=1 (re-seeding after Redis lost its data) an instance Redis already knows is left
 * alone and nothing is appended. `holder` names the node whose gRPC connection holds the instance
 * (empty for one that beats): such an instance has no beat deadline, it lives while that node does.
 */
const UPSERT = `${PARSE_META}${LATE}
if late(ARGV[9]) then return -1 end
if ARGV[6] == '1' and redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local t, d, h, mk, last = parse(ARGV[3])
-- A node's view may hold an older last beat than Redis (beats land on other nodes): keep the newer.
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old then
  local _, _, _, _, oldLast = parse(old)
  if oldLast > last then last = oldLast end
end
redis.call('HSET', KEYS[2], ARGV[1], t .. ',' .. d .. ',' .. h .. ',' .. mk .. ',' .. last)
if ARGV[8] ~= '' then
  redis.call('HSET', KEYS[5], ARGV[1], ARGV[8])
  redis.call('SADD', KEYS[6], ARGV[8])
  redis.call('ZREM', KEYS[3], ARGV[1])
else
  redis.call('HDEL', KEYS[5], ARGV[1])
  if mk == '0' then redis.call('ZADD', KEYS[3], deadline(t, d, h, last), ARGV[1])
  else redis.call('ZREM', KEYS[3], ARGV[1]) end
end
if ARGV[5] ~= '' then
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], '*', 'v', '${STREAM_FORMAT_VERSION}', 'o', ARGV[4], 'm', ARGV[5])
end
return 1
`;

/** KEYS inst meta due stream owner; ARGV member origin mutation maxlen deadline (LATE). */
const REMOVE = `${LATE}
if late(ARGV[5]) then return -1 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*', 'v', '${STREAM_FORMAT_VERSION}', 'o', ARGV[2], 'm', ARGV[3])
return 1
`;

/**
 * KEYS inst meta due stream; ARGV now limit maxlen deleteEnabled. Processes the shard's due
 * deadlines: healthy -> unhealthy after the timeout, deleted after the delete timeout (Nacos
 * deletes on silence alone), each appended to the stream. Returns how many deadlines it processed.
 */
const EXPIRE = `${PARSE_META}
local now = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, k in ipairs(due) do
  local m = redis.call('HGET', KEYS[2], k)
  if not m then
    redis.call('ZREM', KEYS[3], k)
  else
    local t, d, h, mk, last = parse(m)
    local silent = now - last
    if mk == '1' then
      redis.call('ZREM', KEYS[3], k)
    else
      if h == '1' and silent > t then
        h = '0'
        redis.call('HSET', KEYS[2], k, t .. ',' .. d .. ',0,0,' .. last)
        redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[3], '*', 'v', '${STREAM_FORMAT_VERSION}', 'o', 'redis', 't', 'unhealthy', 'k', k)
      end
      if silent > d and ARGV[4] == '1' then
        redis.call('HDEL', KEYS[1], k)
        redis.call('HDEL', KEYS[2], k)
        redis.call('ZREM', KEYS[3], k)
        redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[3], '*', 'v', '${STREAM_FORMAT_VERSION}', 'o', 'redis', 't', 'expired', 'k', k)
      elseif silent > d then
        redis.call('ZADD', KEYS[3], now + d, k)
      else
        redis.call('ZADD', KEYS[3], deadline(t, d, h, last), k)
      end
    end
  end
end
return #due
`;

/**
 * KEYS inst meta due stream owner holders nodeKey dead; ARGV node maxlen now graceMs. The node's key
 * is gone (it died, paused, or stopped): node death is two-step (node-presence.ts). The first call
 * notes since when in `dead` and marks every instance its connections held in the shard unhealthy
 * (not those whose health an operator set); once `graceMs` has passed since then, they are deleted,
 * each appended to the stream. Does nothing (and forgets the note) while the key exists, so a node
 * that renewed in the meantime keeps its instances. A node that stopped cleanly notes 0 (STOPPED):
 * what it still held goes at once. Returns how many it deleted.
 */
const DROP_NODE = `${PARSE_META}
if redis.call('EXISTS', KEYS[7]) == 1 then
  -- Renewed since: forget the note, unless it says the node is stopping (its key goes next).
  if redis.call('HGET', KEYS[8], ARGV[1]) ~= '0' then redis.call('HDEL', KEYS[8], ARGV[1]) end
  return 0
end
local now = tonumber(ARGV[3])
local since = redis.call('HGET', KEYS[8], ARGV[1])
-- Called every tick during the grace: cheap until it ends.
if since and now - tonumber(since) < tonumber(ARGV[4]) then return 0 end
local owners = redis.call('HGETALL', KEYS[5])
if not since then
  redis.call('HSET', KEYS[8], ARGV[1], now)
  for i = 1, #owners, 2 do
    if owners[i + 1] == ARGV[1] then
      local k = owners[i]
      local m = redis.call('HGET', KEYS[2], k)
      if m then
        local t, d, h, mk, last = parse(m)
        if h == '1' and mk == '0' then
          redis.call('HSET', KEYS[2], k, t .. ',' .. d .. ',0,0,' .. last)
          redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[2], '*', 'v', '${STREAM_FORMAT_VERSION}', 'o', 'redis', 't', 'unhealthy', 'k', k)
        end
      end
    end
  end
  return 0
end
local dropped = 0
for i = 1, #owners, 2 do
  if owners[i + 1] == ARGV[1] then
    local k = owners[i]
    redis.call('HDEL', KEYS[1], k)
    redis.call('HDEL', KEYS[2], k)
    redis.call('ZREM', KEYS[3], k)
    redis.call('HDEL', KEYS[5], k)
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[2], '*', 'v', '${STREAM_FORMAT_VERSION}', 'o', 'redis', 't', 'expired', 'k', k)
    dropped = dropped + 1
  end
end
redis.call('SREM', KEYS[6], ARGV[1])
redis.call('HDEL', KEYS[8], ARGV[1])
return dropped
`;

/**
 * KEYS meta stream owner nodeKey dead; ARGV node maxlen, then members. The node was taken for dead
 * (its key lapsed: a pause, or cut off from Redis) and lives again: once its key is back, the
 * instances it still holds that DROP_NODE marked unhealthy are healthy again, each appended to the
 * stream. Returns how many it healed, or -1 while the key is missing (renew first).
 */
const HEAL_NODE = `${PARSE_META}
if redis.call('EXISTS', KEYS[4]) == 0 then return -1 end
redis.call('HDEL', KEYS[5], ARGV[1])
local healed = 0
for i = 3, #ARGV do
  local k = ARGV[i]
  if redis.call('HGET', KEYS[3], k) == ARGV[1] then
    local m = redis.call('HGET', KEYS[1], k)
    if m then
      local t, d, h, mk, last = parse(m)
      if h == '0' and mk == '0' then
        redis.call('HSET', KEYS[1], k, t .. ',' .. d .. ',1,0,' .. last)
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'v', '${STREAM_FORMAT_VERSION}', 'o', 'redis', 't', 'healthy', 'k', k)
        healed = healed + 1
      end
    end
  end
end
return healed
`;

/** KEYS nodeKey; ARGV value ttlMs. Renews a node's key; 0 when it had lapsed (or was never set). */
const RENEW = `
local had = redis.call('EXISTS', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return had
`;

/** KEYS holders dead; ARGV node. A clean stop: what the node still holds in the shard goes at once (DROP_NODE). */
const STOPPED = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then redis.call('HSET', KEYS[2], ARGV[1], 0) end
return 0
`;

/** KEYS lease; ARGV node ttlMs. 1 when this node holds the lease (taken or renewed). */
const LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0
`;

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
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[3], '*', 'v', '${STREAM_FORMAT_VERSION}', 'o', ARGV[1], 'm', ARGV[2])
return 1
`;

/** KEYS lease; ARGV node. Gives the lease up on a clean shutdown, so another node takes over at once. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface ClusterScripts {
  beaconBeats(
    meta: string,
    due: string,
    stream: string,
    maxlen: number,
    ...memberBeats: (string | number)[]
  ): Promise<string[]>;
  beaconUpsert(
    ...args: [
      ...InstanceScriptKeys,
      holders: string,
      member: string,
      registration: string,
      metaValue: string,
      origin: string,
      mutation: string,
      onlyIfMissing: '0' | '1',
      maxlen: number,
      holder: string,
      deadline: number,
    ]
  ): Promise<number>;
  beaconRemove(
    ...args: [...InstanceScriptKeys, member: string, origin: string, mutation: string, maxlen: number, deadline: number]
  ): Promise<number>;
  beaconExpire(
    inst: string,
    meta: string,
    due: string,
    stream: string,
    now: number,
    limit: number,
    maxlen: number,
    deleteEnabled: '0' | '1',
  ): Promise<number>;
  beaconDropNode(
    ...args: [
      ...InstanceScriptKeys,
      holders: string,
      nodeKey: string,
      dead: string,
      node: string,
      maxlen: number,
      now: number,
      graceMs: number,
    ]
  ): Promise<number>;
  beaconHealNode(
    meta: string,
    stream: string,
    owner: string,
    nodeKey: string,
    dead: string,
    node: string,
    maxlen: number,
    ...members: string[]
  ): Promise<number>;
  beaconRenew(nodeKey: string, value: string, ttlMs: number): Promise<number>;
  beaconStopped(holders: string, dead: string, node: string): Promise<number>;
  beaconGroup(
    inst: string,
    meta: string,
    due: string,
    stream: string,
    owner: string,
    origin: string,
    mutation: string,
    maxlen: number,
    ...memberTimings: string[]
  ): Promise<number>;
  beaconLease(lease: string, node: string, ttlMs: number): Promise<number>;
  beaconRelease(lease: string, node: string): Promise<number>;
}

export type ScriptedRedis = Redis & ClusterScripts;

/** Registers the scripts on a connection (ioredis sends EVALSHA, and the script once if Redis lost it). */
export function withScripts(redis: Redis): ScriptedRedis {
  redis.defineCommand('beaconBeats', { numberOfKeys: 3, lua: BEATS });
  redis.defineCommand('beaconUpsert', { numberOfKeys: 6, lua: UPSERT });
  redis.defineCommand('beaconRemove', { numberOfKeys: 5, lua: REMOVE });
  redis.defineCommand('beaconDropNode', { numberOfKeys: 8, lua: DROP_NODE });
  redis.defineCommand('beaconHealNode', { numberOfKeys: 5, lua: HEAL_NODE });
  redis.defineCommand('beaconRenew', { numberOfKeys: 1, lua: RENEW });
  redis.defineCommand('beaconStopped', { numberOfKeys: 2, lua: STOPPED });
  redis.defineCommand('beaconExpire', { numberOfKeys: 4, lua: EXPIRE });
  redis.defineCommand('beaconGroup', { numberOfKeys: 5, lua: GROUP });
  redis.defineCommand('beaconLease', { numberOfKeys: 1, lua: LEASE });
  redis.defineCommand('beaconRelease', { numberOfKeys: 1, lua: RELEASE });
  return redis as ScriptedRedis;
}
