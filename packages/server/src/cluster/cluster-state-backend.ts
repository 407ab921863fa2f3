import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import {
  BeatProcessor,
  type Instance,
  type InstanceAddress,
  type Registry,
  type RegistryOptions,
  UnavailableError,
} from '@beacon/core';
import {
  applyMutation,
  type Mutation,
  type MutationArgs,
  type MutationKind,
  type MutationResult,
  type StateBackend,
  type ClusterMember,
} from '../application/state-backend.js';
import { WAIT_REPLICAS_VAR, type ClusterConfig } from '../config/cluster-config.js';
import { migratePostgres } from '../storage/postgres-migrator.js';
import { PostgresStore } from '../storage/postgres-store.js';
import { BeatBatcher } from './write-path/beat-batcher.js';
import { ChangeStreamTail, FellBehindError, type StreamEntry } from './stream/change-stream.js';
import { decodeEntry, encodeMutation, STREAM_FORMAT_VERSION } from './stream/stream-format.js';
import { UnknownEntries } from './stream/unknown-entries.js';
import { SharedCheckRecords } from './leases/check-records.js';
import { closeEngines, connectEngines, type ClusterEngines } from './engines/cluster-engines.js';
import { ExpiryLeases } from './leases/expiry-leases.js';
import { ephemeralGroupOf, publishGroup } from './write-path/instance-group.js';
import type { JournalStore } from './write-path/journal-store.js';
import { LeasedHealthChecks } from './leases/leased-health-checks.js';
import { holderOf, NodePresence } from './leases/node-presence.js';
import {
  addressOf,
  CHANGE_STREAM,
  instanceScriptKeys,
  memberOf,
  metaOf,
  registrationOf,
  shardKeys,
  shardOf,
  STREAM_BUDGET,
} from './engines/redis-layout.js';
import { withScripts, type ScriptedRedis } from './engines/redis-scripts.js';
import { DURABLE_WRITE_LOCK, loadView } from './reconcile/view-loader.js';
import { ViewReconciler } from './reconcile/view-reconciler.js';
import {
  creationKey,
  instanceAddressOf,
  isEphemeralTarget,
  takesEphemeralPath,
} from './write-path/mutation-routing.js';
import { WriteGate } from './write-path/write-gate.js';
import { redisDeadline, REDIS_WRITE_TIMEOUT_MS, RedisTimeoutError, withinTimeout } from './write-path/redis-timeout.js';
import { atMostEveryFewSeconds } from '../net/paced-log.js';
import { reasonOf } from '../net/error-reason.js';

/** An engine is down: the client may retry (503, with this message), and nothing was changed. */
export class ClusterUnavailableError extends UnavailableError {}

/** A write failed after this node's view applied it: the view is being reconciled with the engines. */
class ViewOutOfStepError extends ClusterUnavailableError {}

/** How long a failed write's answer waits for the view to be back in step, so the client then reads it right. */
const RECONCILE_WAIT_MS = 2000;

export interface ClusterOptions extends Omit<RegistryOptions, 'store'> {
  /** How often this node renews its leases and runs expiry for the shards it holds. */
  readonly expiryTickMs: number;
  /** `host:port` other nodes and tools reach this node at, announced in its node key. */
  readonly advertisedAddress?: string;
}

/**
 * Cluster mode's state backend (docs/cluster.md). The registry is this node's view:
 * loaded from PostgreSQL (durable) and Redis (ephemeral) at start, then kept current by tailing the
 * change stream, so reads and pushes are local. Changes go:
 *
 * - ephemeral (an instance of a known service and cluster): applied to the view, then one Lua call
 *   writes Redis and appends the mutation to the stream; the answer waits for Redis.
 * - durable (anything the registry writes to its Store): under a cluster-wide advisory lock, the
 *   view catches up with the stream, the mutation runs on it with its Store writes journaled, the
 *   journal is written to PostgreSQL and the mutation appended, then the transaction commits.
 * - beats: a view lookup for the reply; the beat joins the next batch to Redis (beat-batcher.ts),
 *   one Lua call per shard every few milliseconds, not awaited.
 */
export class ClusterStateBackend implements StateBackend {
  readonly node = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly logger = new Logger('Cluster');
  private readonly redis: ScriptedRedis;
  private readonly tail: ChangeStreamTail;
  private readonly leases: ExpiryLeases;
  private readonly presence: NodePresence;
  /** Core's beat rule; registrations go through `apply`, beats to Redis in batches. */
  readonly beats: BeatProcessor;
  private readonly batch: BeatBatcher;
  /** Active checks run by the holder of each shard's lease; their results are shared (leased-health-checks.ts). */
  readonly checks: LeasedHealthChecks;
  /** Their last check records, for every node's API and console (check-records.ts). */
  private readonly checkRecords: SharedCheckRecords;
  /** Durable registrations in flight that create a service or cluster, by creationKey. */
  private readonly creating = new Map<string, Promise<unknown>>();
  private readonly gate = new WriteGate();
  private readonly reconciler: ViewReconciler;
  /** Entries of a newer node's kind or format: skipped, counted, and the view reloaded instead. */
  private readonly unknownEntries: UnknownEntries;
  /** A stalled Redis times out every write: one line every few seconds says so. */
  private readonly warnStalled = atMostEveryFewSeconds(
    (message) => this.logger.warn(message),
    () => this.registry.clock.now(),
  );
  /** Beats go to Redis in the background: while they fail, one line every few seconds. */
  private readonly warnBeatError = atMostEveryFewSeconds(
    (message) => this.logger.warn(message),
    () => this.registry.clock.now(),
  );
  /** The Redis dataset this node last saw (EPOCH_KEY's value): another value means Redis lost its data. */
  private epoch: string | undefined;

  private constructor(
    private readonly engines: ClusterEngines,
    private readonly durable: PostgresStore,
    private readonly journal: JournalStore,
    readonly registry: Registry,
    startId: string,
    private readonly config: ClusterConfig,
    options: ClusterOptions,
  ) {
    this.redis = withScripts(engines.redis);
    this.beats = new BeatProcessor(registry, {
      // A full beat re-registers, as a registration would; for a known service the view has it at once.
      register: (cmd) => {
        this.apply('registerInstance', cmd).catch((error: unknown) => this.reportBeatError(error));
        return registry.findInstance(cmd);
      },
      // Redis keeps the last beat and applies core's health rule to its own record (the BEATS
      // script, built from healthAfterBeat); the stream tells every node of a change.
      // A connection-held instance lives by its node's key (node-presence.ts), not by beats.
      beaten: (instance, now) => {
        if (instance.connectionId !== undefined) return;
        const { namespaceId, serviceName } = instance.address;
        this.batch.record(shardOf(namespaceId, serviceName), memberOf(instance.address), now);
      },
    });
    const report = (error: unknown) => this.logger.warn(`change stream: ${reasonOf(error)}`);
    const behind = () => void this.reconciler.request('it fell further behind than the change stream keeps');
    this.tail = new ChangeStreamTail(
      engines.tail,
      engines.redis,
      startId,
      (e) => this.applyEntry(e),
      report,
      registry.clock,
      behind,
    );
    const warn = (message: string) => this.logger.warn(message);
    this.reconciler = new ViewReconciler({
      view: registry,
      gate: this.gate,
      tail: this.tail,
      probe: async () => {
        await engines.pool.query('SELECT 1');
        // Redis back empty: its instances are being put back from the views; comparing before this
        // node has put back its own (and learnt the new epoch, afterReconnect) would drop them.
        if ((await engines.redis.get(EPOCH_KEY)) !== this.epoch)
          throw new Error('Redis lost its data; waiting for it to be refilled');
      },
      load: (only) => loadView(engines, durable, options, warn, only),
      announce: async () =>
        void (await engines.redis.xadd(
          CHANGE_STREAM,
          'MAXLEN',
          '~',
          STREAM_BUDGET.length(),
          '*',
          'v',
          STREAM_FORMAT_VERSION,
          'o',
          this.node,
          'r',
          '1',
        )),
      warn,
      // One of this node's gRPC connections may still count on it: reset, it registers again.
      removed: (instance) => this.presence.expired(instance),
    });
    this.unknownEntries = new UnknownEntries(
      registry.clock,
      (why, only) => this.reconciler.request(why, false, only),
      warn,
    );
    this.leases = new ExpiryLeases(this.redis, registry, this.node, options.expiryTickMs, (error) =>
      this.logger.warn(`expiry: ${reasonOf(error)}`),
    );
    this.presence = new NodePresence(
      this.redis,
      registry,
      this.node,
      this.leases.held,
      options.expiryTickMs,
      (error) => this.logger.warn(`node presence: ${reasonOf(error)}`),
      config.nodeGraceMs,
      options.advertisedAddress ?? '',
    );
    this.checks = new LeasedHealthChecks(
      this.leases.held,
      (address, healthy) => this.apply('setCheckedHealth', address, healthy),
      (message) => this.logger.warn(message),
      registry.clock,
    );
    this.checkRecords = new SharedCheckRecords(engines.redis, registry, this.leases.held, (message) =>
      this.logger.warn(message),
    );
    this.batch = new BeatBatcher(
      this.redis,
      (member) => {
        const instance = this.registry.findInstance(addressOf(member));
        if (instance) void this.reseed(instance);
      },
      (error) => this.reportBeatError(error),
      registry.clock,
    );
  }

  /** Connects, migrates PostgreSQL, and loads the view; any failure stops the start. */
  static async open(config: ClusterConfig, options: ClusterOptions): Promise<ClusterStateBackend> {
    const logger = new Logger('Cluster');
    const engines = await connectEngines(config);
    try {
      await migratePostgres(engines.pool, undefined, (message) => logger.log(message));
      const durable = new PostgresStore(engines.pool);
      const view = await loadView(engines, durable, options, (message) => logger.warn(message));
      const backend = new ClusterStateBackend(engines, durable, view.journal, view.registry, view.tip, config, options);
      backend.epoch = await ensureEpoch(engines.redis);
      await backend.presence.renew();
      return backend;
    } catch (error) {
      await closeEngines(engines);
      throw error;
    }
  }

  /** The PostgreSQL pool, shared with the cluster's auth store (postgres-auth-store.ts). */
  get pool(): ClusterEngines['pool'] {
    return this.engines.pool;
  }

  start(): void {
    this.tail.start();
    this.leases.start();
    this.presence.start();
    this.checkRecords.start();
    // Between the drop and the node's look at what came back, no expiry may run on stale beats.
    this.engines.redis.on('close', () => this.leases.suspend());
    this.engines.redis.on('ready', () => void this.afterReconnect());
    this.logger.log(`node ${this.node} joined the cluster`);
  }

  async close(): Promise<void> {
    this.reconciler.stop();
    this.unknownEntries.stop();
    this.batch.stop();
    this.tail.stop();
    this.checkRecords.stop();
    await this.leases.stop();
    await this.presence.stop();
    await closeEngines(this.engines);
  }

  async apply<K extends MutationKind>(kind: K, ...args: MutationArgs<K>): Promise<MutationResult<K>> {
    // Synchronous when the gate is open: a full beat's re-registration is in the view when this returns.
    if (!this.gate.tryEnter()) await this.gate.enter();
    let failure: unknown;
    try {
      return await this.route({ kind, args });
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      this.gate.leave();
      if (failure instanceof ViewOutOfStepError) await this.reconciler.settled(RECONCILE_WAIT_MS);
    }
  }

  private async route<K extends MutationKind>(mutation: Mutation<K>): Promise<MutationResult<K>> {
    if (takesEphemeralPath(this.registry, mutation)) return this.applyEphemeral(mutation);
    const creates = creationKey(mutation);
    if (creates === undefined) return this.applyDurable(mutation);
    // Registrations arriving while another creates their service and cluster wait for it and then
    // need Redis only, instead of queueing one by one on the cluster-wide lock.
    const pending = this.creating.get(creates);
    if (pending) {
      await pending.catch(() => undefined);
      return this.route(mutation);
    }
    const created = this.applyDurable(mutation);
    this.creating.set(creates, created);
    try {
      return await created;
    } finally {
      this.creating.delete(creates);
    }
  }

  onHeldLost(listener: (connectionId: string) => void): void {
    this.presence.onLost(listener);
  }

  trackHeldConnections(isOpen: (connectionId: string) => boolean): void {
    this.presence.trackOpen(isOpen);
  }

  members(): Promise<ClusterMember[]> {
    return this.presence.members();
  }

  // ---- writes --------------------------------------------------------------------------------

  private async applyEphemeral<K extends MutationKind>(m: Mutation<K>): Promise<MutationResult<K>> {
    // Synchronous up to the Redis call: a full beat's re-registration is in the view when `apply` returns.
    const address = instanceAddressOf(m)!;
    const isNew = m.kind === 'registerInstance' && this.registry.findInstance(address) === undefined;
    const { result, ops } = this.journal.record(() => applyMutation(this.registry, m));
    const deadline = redisDeadline();
    try {
      if (ops.length > 0) await this.durable.write(ops);
      await withinTimeout(this.publishInstance(address, m, deadline));
    } catch (error) {
      this.reportStalled(error, m);
      // Redis did not take a new instance: take it back out of the view, so no node serves what
      // may be lost. A changed known instance is put back as Redis has it once Redis answers.
      if (isNew) this.registry.deregisterInstance({ ...address, ephemeral: true });
      else void this.reconciler.request(`Redis refused a change of ${memberOf(address)}`);
      throw new ClusterUnavailableError(`Redis is unavailable, the change was not stored: ${reasonOf(error)}`);
    }
    await this.confirmReplicated(m, deadline);
    return result;
  }

  /**
   * With BEACON_REDIS_WAIT_REPLICAS, waits (within the write's deadline) until that many replicas
   * have every write made so far on this connection. Short of that the client hears 503: the
   * change stands on the primary and every view, so its retry is a no-op that waits again.
   */
  private async confirmReplicated(m: Mutation, deadline: number): Promise<void> {
    const wanted = this.config.redisWaitReplicas;
    if (wanted === 0) return;
    // WAIT with a timeout of 0 would block for ever: at least 1 ms.
    const timeoutMs = Math.max(1, deadline - Date.now());
    const confirmed = await withinTimeout(this.redis.wait(wanted, timeoutMs), timeoutMs + 500).catch(() => -1);
    if (confirmed >= wanted) return;
    this.warnStalled(
      `Redis replicas did not confirm a ${m.kind} in time (${confirmed < 0 ? 'no answer' : `${confirmed} of ${wanted}`}): answered 503`,
    );
    throw new ClusterUnavailableError(
      `the change is on the Redis primary but ${confirmed < 0 ? 'no' : `only ${confirmed} of ${wanted}`} replicas confirmed it within ${REDIS_WRITE_TIMEOUT_MS} ms (${WAIT_REPLICAS_VAR}); retry`,
    );
  }

  private async applyDurable<K extends MutationKind>(m: Mutation<K>): Promise<MutationResult<K>> {
    let client;
    try {
      client = await this.engines.pool.connect();
    } catch (error) {
      throw new ClusterUnavailableError(`PostgreSQL is unavailable, nothing was written: ${reasonOf(error)}`);
    }
    try {
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [DURABLE_WRITE_LOCK]);
        await withinTimeout(this.tail.caughtUp());
      } catch (error) {
        this.reportStalled(error, m);
        await client.query('ROLLBACK').catch(() => undefined);
        throw new ClusterUnavailableError(
          error instanceof FellBehindError
            ? `${error.message}: nothing was written, retry`
            : `the cluster's engines are unavailable, nothing was written: ${reasonOf(error)}`,
        );
      }
      // Registrations racing the one that created their service: now that it exists, Redis is enough.
      if (takesEphemeralPath(this.registry, m)) {
        await client.query('ROLLBACK').catch(() => undefined);
        return await this.applyEphemeral(m);
      }
      let recorded: { result: MutationResult<K>; ops: ReturnType<JournalStore['record']>['ops'] };
      const group = ephemeralGroupOf(this.registry, m);
      try {
        recorded = this.journal.record(() => applyMutation(this.registry, m));
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error; // refused by the registry: nothing changed anywhere
      }
      let appending = false;
      try {
        await this.durable.writeIn(client, recorded.ops);
        // From here other nodes may apply it (also when an XADD's reply is lost, or COMMIT fails).
        appending = true;
        await withinTimeout(this.publishDurable(m, group));
        await client.query('COMMIT');
      } catch (error) {
        this.reportStalled(error, m);
        await client.query('ROLLBACK').catch(() => undefined);
        // The view already holds the change: rare (an engine died within this transaction). The
        // view is brought back to what the engines hold before the client hears (or within a bound).
        this.logger.error(`a durable write failed after it was applied to this node's view: ${reasonOf(error)}`);
        void this.reconciler.request(`a durable ${m.kind} failed after this view applied it`, appending);
        throw new ViewOutOfStepError(`the write could not be completed: ${reasonOf(error)}`);
      }
      return recorded.result;
    } finally {
      client.release();
    }
  }

  /** A durable mutation's Redis side: the instance, the group of instances it changed, or just the stream entry. */
  private async publishDurable<K extends MutationKind>(m: Mutation<K>, group: readonly Instance[]): Promise<void> {
    const address = instanceAddressOf(m);
    const instance = address && this.registry.findInstance(address);
    if (address && (instance === undefined || instance.ephemeral) && isEphemeralTarget(m)) {
      await this.publishInstance(address, m, redisDeadline());
    } else if (group.length > 0) {
      await publishGroup(this.redis, this.registry, group, this.node, m);
    } else {
      await this.redis.xadd(
        CHANGE_STREAM,
        'MAXLEN',
        '~',
        STREAM_BUDGET.length(),
        '*',
        'v',
        STREAM_FORMAT_VERSION,
        'o',
        this.node,
        'm',
        encodeMutation(m),
      );
    }
  }

  /**
   * Writes the instance as the view now has it (or its removal) and appends the mutation, in one Lua
   * call that Redis refuses after `deadline` (the client was answered 503 by then).
   */
  private async publishInstance(address: InstanceAddress, m: Mutation, deadline: number): Promise<void> {
    const instance = this.registry.findInstance(address);
    let written: number;
    if (instance?.ephemeral) {
      written = await this.upsert(instance, instance.lastBeat, encodeMutation(m), '0', deadline);
    } else {
      const k = shardKeys(shardOf(address.namespaceId, address.serviceName));
      written = await this.redis.beaconRemove(
        ...instanceScriptKeys(k),
        memberOf(address),
        this.node,
        encodeMutation(m),
        STREAM_BUDGET.length(),
        deadline,
      );
    }
    if (written === -1) throw new RedisTimeoutError('Redis reached the write after its deadline and refused it');
  }

  private reportStalled(error: unknown, m: Mutation): void {
    if (!(error instanceof RedisTimeoutError)) return;
    this.warnStalled(`Redis is not answering (stalled?): a ${m.kind} was refused with 503: ${error.message}`);
  }

  /**
   * The instance as this view has it, into Redis (`onlyIfMissing`: unless Redis has it), with
   * `mutation` appended; not after `deadline` (0: no deadline).
   */
  private upsert(
    instance: Instance,
    lastBeat: number,
    mutation: string,
    onlyIfMissing: '0' | '1',
    deadline = 0,
  ): Promise<number> {
    const address = instance.address;
    const k = shardKeys(shardOf(address.namespaceId, address.serviceName));
    return this.redis.beaconUpsert(
      ...instanceScriptKeys(k),
      k.holders,
      memberOf(address),
      JSON.stringify(registrationOf(instance)),
      metaOf(instance, lastBeat),
      this.node,
      mutation,
      onlyIfMissing,
      STREAM_BUDGET.length(),
      holderOf(instance),
      deadline,
    );
  }

  // ---- the beat ------------------------------------------------------------------------------

  private reportBeatError(error: unknown): void {
    this.warnBeatError(`beats are not reaching Redis: ${reasonOf(error)}`);
  }

  // ---- the view ------------------------------------------------------------------------------

  /** Entries of a kind or format this node does not know, by what they were: for the metrics. */
  skippedStreamEntries(): ReadonlyMap<string, number> {
    return this.unknownEntries.counted();
  }

  private applyEntry(entry: StreamEntry): void {
    if (entry.origin === this.node) return;
    const decoded = decodeEntry(entry.fields);
    switch (decoded.type) {
      case 'unknown':
        this.unknownEntries.skipped(decoded.what, entry.origin, decoded.service);
        return;
      case 'reconcile':
        void this.reconciler.request(`node ${entry.origin} appended a durable write it could not commit`);
        return;
      case 'mutation':
        try {
          applyMutation(this.registry, decoded.mutation);
        } catch {
          // Refused here as it would be anywhere (already gone, already there): the view is as the writer left it.
        }
        return;
      case 'transition': {
        const instance = this.registry.findInstance(addressOf(decoded.member));
        if (!instance?.ephemeral) return;
        if (decoded.transition === 'expired') {
          this.registry.expireInstance(instance);
          this.presence.expired(instance);
        } else this.registry.setHealth(instance, decoded.transition === 'healthy');
      }
    }
  }

  /** Puts an instance Redis does not know (it restarted empty) back, as this view has it, beating now. */
  private async reseed(instance: Instance): Promise<void> {
    if (!this.registry.isAttached(instance)) return;
    await this.upsert(instance, this.registry.clock.now(), '', '1').catch((error: unknown) =>
      this.reportBeatError(error),
    );
  }

  /**
   * Redis is back. With its data (the epoch this node knows is still there): beats were lost while
   * it was away, so expiry holds for one beat timeout. Empty (no epoch, or another node's new one):
   * this node puts back every ephemeral instance of its view with a fresh last beat, the restart
   * grace; clients that are gone expire one timeout later. The epoch is written only after the
   * instances are back, so a node reconciling meanwhile does not take the half-filled Redis as whole.
   */
  private async afterReconnect(): Promise<void> {
    let epoch: string | null;
    try {
      epoch = await this.engines.redis.get(EPOCH_KEY);
    } catch {
      this.leases.resume(true);
      return;
    }
    if (epoch !== null && epoch === this.epoch) {
      this.leases.resume(true);
      return;
    }
    this.logger.warn('Redis came back empty: putting back the ephemeral instances of this view');
    this.tail.restartFromBeginning();
    const reseeds: Promise<void>[] = [];
    for (const namespaceId of this.registry.namespaceIds()) {
      for (const service of this.registry.services(namespaceId)) {
        for (const instance of service.instances()) if (instance.ephemeral) reseeds.push(this.reseed(instance));
      }
    }
    await Promise.all(reseeds);
    this.epoch = await ensureEpoch(this.engines.redis).catch(() => this.epoch);
    this.leases.resume(false);
  }
}

/** Set once per Redis dataset: when it is missing or changed after a reconnect, Redis lost its data. */
const EPOCH_KEY = 'beacon:epoch';

/** The dataset's epoch, created by the first node to ask. */
async function ensureEpoch(redis: ClusterEngines['redis']): Promise<string | undefined> {
  await redis.set(EPOCH_KEY, randomUUID(), 'NX');
  return (await redis.get(EPOCH_KEY)) ?? undefined;
}
