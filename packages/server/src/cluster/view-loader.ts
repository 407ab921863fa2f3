import { Registry, type Instance, type RegistryOptions } from '@beacon/core';
import type { PostgresStore } from '../storage/postgres-store.js';
import { ChangeStreamTail } from './change-stream.js';
import type { ClusterEngines } from './cluster-engines.js';
import { JournalStore } from './journal-store.js';
import { SHARDS, shardKeys, type StoredRegistration } from './redis-layout.js';

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
 * shard hashes. Used at start (the node's view) and to reconcile a view that went out of step.
 */
export async function loadView(
  engines: ClusterEngines,
  durable: PostgresStore,
  options: Omit<RegistryOptions, 'store'>,
  warn: (message: string) => void,
): Promise<LoadedView> {
  // The position first: whatever changes while loading is replayed on top (idempotently).
  const tip = await settledTip(engines);
  const journal = new JournalStore(await durable.load());
  const registry = new Registry({ ...options, store: journal });
  await loadEphemeral(registry, engines, warn);
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

/** Every ephemeral instance Redis holds, into the registry, with its health and last beat. */
async function loadEphemeral(registry: Registry, engines: ClusterEngines, warn: (message: string) => void) {
  for (let s = 0; s < SHARDS; s++) {
    const k = shardKeys(s);
    const [registrations, metas] = await Promise.all([engines.redis.hgetall(k.inst), engines.redis.hgetall(k.meta)]);
    for (const [member, json] of Object.entries(registrations)) {
      const registration = JSON.parse(json) as StoredRegistration;
      let instance: Instance;
      try {
        instance = registry.registerInstance({ ...registration, ephemeral: true });
      } catch (error) {
        warn(`instance ${member} not loaded: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const meta = metas[member]?.split(',');
      if (meta?.[2] === '0') registry.setHealth(instance, false);
      if (meta?.[4] !== undefined) instance.lastBeat = Number(meta[4]);
    }
  }
}
