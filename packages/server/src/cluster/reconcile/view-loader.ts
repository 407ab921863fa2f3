import { Registry, type Instance, type RegistryOptions } from '@beacon/core';
import type { PostgresStore, ServiceName } from '../../storage/postgres-store.js';
import { ChangeStreamTail } from '../stream/change-stream.js';
import type { ClusterEngines } from '../engines/cluster-engines.js';
import { JournalStore } from '../write-path/journal-store.js';
import { SHARDS, shardKeys, shardOf, type StoredRegistration } from '../engines/redis-layout.js';
import { reasonOf } from '../../net/error-reason.js';
import { serviceKeyOf } from './view-differences.js';

/** Durable writes are serialised cluster-wide by this transaction-scoped advisory lock. */
export const DURABLE_WRITE_LOCK = 'beacon:durable-writes';

/** A registry holding what the engines hold, and the stream position it matches. */
export interface LoadedView {
  readonly registry: Registry;
  readonly journal: JournalStore;
  /** Entries after this id are not (or not surely) in the registry: tail from here. */
  readonly tip: string;
}

/**
 * Loads a view from the engines: durable state from PostgreSQL, ephemeral instances from Redis's
 * shard hashes. Used at start (the node's view) and to reconcile a view that went out of step;
 * `only`: just these services (with every namespace and the switches), for a reconcile of them.
 */
export async function loadView(
  engines: ClusterEngines,
  durable: PostgresStore,
  options: Omit<RegistryOptions, 'store'>,
  warn: (message: string) => void,
  only?: readonly ServiceName[],
): Promise<LoadedView> {
  // The position first: whatever changes while loading is replayed on top (idempotently).
  const tip = await settledTip(engines);
  // Both engines at once: a reconcile holds this node's writes meanwhile.
  const [stored, shards] = await Promise.all([durable.load(only), readShards(engines, only)]);
  const journal = new JournalStore(stored);
  const registry = new Registry({ ...options, store: journal });
  loadEphemeral(registry, shards, warn, only && new Set(only.map(serviceKeyOf)));
  return { registry, journal, tip };
}

/**
 * The stream's tip, read under the durable-write lock: a durable write appends to the stream and
 * then commits, so one whose entry is before the tip has committed and is in what `load` reads.
 */
async function settledTip(engines: ClusterEngines): Promise<string> {
  const client = await engines.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [DURABLE_WRITE_LOCK]);
    return await ChangeStreamTail.tip(engines.redis);
  } finally {
    await client.query('COMMIT').catch(() => undefined);
    client.release();
  }
}

type ShardHashes = [registrations: Record<string, string>, metas: Record<string, string>];

/** Every shard's (or the `only` services' shards') instance and timing hashes, in one round of requests (ioredis pipelines them). */
function readShards(engines: ClusterEngines, only?: readonly ServiceName[]): Promise<ShardHashes[]> {
  const shards = only
    ? [...new Set(only.map((s) => shardOf(s.namespaceId, s.serviceName)))]
    : Array.from({ length: SHARDS }, (_, s) => s);
  return Promise.all(
    shards.map((s) => {
      const k = shardKeys(s);
      return Promise.all([engines.redis.hgetall(k.inst), engines.redis.hgetall(k.meta)]);
    }),
  );
}

/** Every ephemeral instance Redis holds, into the registry, with its health and last beat. */
function loadEphemeral(
  registry: Registry,
  shards: ShardHashes[],
  warn: (message: string) => void,
  only: ReadonlySet<string> | undefined,
): void {
  for (const [registrations, metas] of shards) {
    for (const [member, json] of Object.entries(registrations)) {
      const registration = JSON.parse(json) as StoredRegistration;
      if (only && !only.has(serviceKeyOf(registration))) continue;
      let instance: Instance;
      try {
        instance = registry.registerInstance({ ...registration, ephemeral: true });
      } catch (error) {
        warn(`instance ${member} not loaded: ${reasonOf(error)}`);
        continue;
      }
      const meta = metas[member]?.split(',');
      if (meta?.[2] === '0') registry.setHealth(instance, false);
      if (meta?.[4] !== undefined) instance.lastBeat = Number(meta[4]);
    }
  }
}
