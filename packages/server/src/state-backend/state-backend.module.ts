import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  BeatProcessor,
  ExpiryScheduler,
  HealthCheckScheduler,
  Registry,
  systemClock,
  type RegistryOptions,
} from '@beacon/core';
import { EmbeddedStateBackend, STATE_BACKEND, type StateBackend } from '../application/state-backend.js';
import type { BeaconConfig } from '../config/config.js';
import { ProbeTargetPolicy } from '../probes/probe-target-policy.js';
import { SocketProber } from '../probes/socket-prober.js';
import { SqliteDatabase } from '../storage/sqlite-database.js';
import { SqliteStore } from '../storage/sqlite-store.js';
import { CONFIG } from '../config/tokens.js';
import { AuthRepository } from '../auth/auth-repository.js';
import { AUTH_STORE, type AuthStore } from '../auth/auth-store.js';
import type { ClusterStateBackend } from '../cluster/cluster-state-backend.js';
import { AUDIT_STORE, type AuditStore } from '../audit/audit-store.js';
import { AuditRetention } from '../audit/audit-retention.js';
import { AuditTrail } from '../audit/audit-trail.js';
import { SqliteAuditStore } from '../audit/sqlite-audit-store.js';
import { reasonOf } from '../net/error-reason.js';

/** The embedded node's SQLite database; null in cluster mode. */
const EMBEDDED_DATABASE = Symbol('EmbeddedDatabase');

/** The cluster configuration, where the absence of the embedded database says there is one. */
function clusterConfigOf(config: BeaconConfig): NonNullable<BeaconConfig['cluster']> {
  if (!config.cluster) throw new Error('no embedded database and no cluster configuration');
  return config.cluster;
}

/**
 * Starts the schedulers once the app is ready; stops them and closes storage on shutdown. The expiry
 * heap and the SQLite file exist only in embedded mode: in cluster mode expiry is Redis's, run by the
 * holder of each shard's lease (src/cluster/), and the durable state is PostgreSQL's.
 */
@Injectable()
class StateBackendLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Registry');

  constructor(
    @Inject(STATE_BACKEND) private readonly backend: StateBackend,
    @Inject(ExpiryScheduler) private readonly expiry: ExpiryScheduler | null,
    @Inject(HealthCheckScheduler) private readonly checks: HealthCheckScheduler,
    @Inject(EMBEDDED_DATABASE) private readonly database: SqliteDatabase | null,
    @Inject(AUTH_STORE) private readonly authStore: AuthStore,
    @Inject(AuditRetention) private readonly auditRetention: AuditRetention,
  ) {}

  onApplicationBootstrap(): void {
    this.backend.start?.();
    this.auditRetention.start();
    this.expiry?.start();
    this.checks.start();
    const registry = this.backend.registry;
    this.logger.log(
      `registry ready: ${registry.serviceCount()} services, ${registry.instanceCount()} instances restored from ${this.database?.path ?? 'the cluster'}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.expiry?.stop();
    this.checks.stop();
    await this.auditRetention.stop();
    await this.authStore.close?.();
    await this.backend.close?.();
    this.database?.close();
  }
}

function registryOptions(config: BeaconConfig): Omit<RegistryOptions, 'store'> {
  const logger = new Logger('Registry');
  return {
    clock: systemClock,
    limits: {
      maxServicesPerNamespace: config.maxServicesPerNamespace,
      maxInstancesPerNamespace: config.maxInstancesPerNamespace,
      maxMetadataBytes: config.maxMetadataBytes,
      nameLengths: config.nameLengths,
    },
    reportError: (error) => logger.error(`change listener failed: ${String(error)}`),
  };
}

/** Change stream entries of a kind or format version this node does not know, by what they were. */
export type SkippedStreamEntries = () => ReadonlyMap<string, number>;
export const SKIPPED_STREAM_ENTRIES = Symbol('SkippedStreamEntries');

@Module({
  providers: [
    {
      // Embedded mode only: a cluster node neither creates nor migrates a beacon.db it would not use.
      provide: EMBEDDED_DATABASE,
      inject: [CONFIG],
      useFactory: (config: BeaconConfig): SqliteDatabase | null => {
        if (config.cluster) return null;
        const logger = new Logger('Storage');
        return new SqliteDatabase(config.dataDir, { log: (message) => logger.log(message) });
      },
    },
    {
      // Embedded (default): the registry with SQLite behind it. Cluster: a view of Redis + PostgreSQL.
      provide: STATE_BACKEND,
      inject: [CONFIG, EMBEDDED_DATABASE],
      useFactory: async (config: BeaconConfig, database: SqliteDatabase | null): Promise<StateBackend> => {
        if (database) {
          const registry = new Registry({ ...registryOptions(config), store: new SqliteStore(database) });
          return new EmbeddedStateBackend(registry, new BeatProcessor(registry));
        }
        // Loaded only in cluster mode: an embedded node never loads ioredis or pg.
        const { ClusterStateBackend } = await import('../cluster/cluster-state-backend.js');
        return ClusterStateBackend.open(clusterConfigOf(config), {
          ...registryOptions(config),
          expiryTickMs: config.expiryTickMs,
          advertisedAddress: advertisedAddress(config.host, config.port),
        });
      },
    },
    {
      // Users, roles and permissions live where the durable state does: SQLite, or the cluster's PostgreSQL.
      provide: AUTH_STORE,
      inject: [CONFIG, STATE_BACKEND, EMBEDDED_DATABASE],
      useFactory: async (config: BeaconConfig, backend: StateBackend, database: SqliteDatabase | null) => {
        if (database) return new AuthRepository(database);
        const { PostgresAuthStore } = await import('../auth/postgres-auth-store.js');
        const cluster = backend as ClusterStateBackend;
        const store = new PostgresAuthStore(cluster.pool, cluster.node);
        await store.follow(clusterConfigOf(config).databaseUrl);
        return store;
      },
    },
    {
      // The audit trail lives where the durable state does: SQLite, or the cluster's PostgreSQL.
      provide: AUDIT_STORE,
      inject: [STATE_BACKEND, EMBEDDED_DATABASE],
      useFactory: async (backend: StateBackend, database: SqliteDatabase | null): Promise<AuditStore> => {
        if (database) return new SqliteAuditStore(database);
        const { PostgresAuditStore } = await import('../audit/postgres-audit-store.js');
        return new PostgresAuditStore((backend as ClusterStateBackend).pool);
      },
    },
    {
      provide: AuditTrail,
      inject: [AUDIT_STORE],
      useFactory: (store: AuditStore) => {
        const logger = new Logger('Audit');
        return new AuditTrail(
          store,
          () => systemClock.now(),
          (error, record) =>
            logger.error(
              `${record.action} on ${record.target.path} by ${record.actor.user} was done but not recorded: ${reasonOf(error)}`,
            ),
        );
      },
    },
    {
      provide: AuditRetention,
      inject: [AUDIT_STORE, CONFIG],
      useFactory: (store: AuditStore, config: BeaconConfig) => {
        const logger = new Logger('Audit');
        return new AuditRetention(
          store,
          systemClock,
          { days: config.auditRetentionDays, maxEntries: config.auditMaxEntries },
          (error) => logger.warn(`pruning the audit trail failed, retried within the hour: ${reasonOf(error)}`),
        );
      },
    },
    { provide: Registry, inject: [STATE_BACKEND], useFactory: (backend: StateBackend) => backend.registry },
    {
      // For the metrics: a cluster node's change stream entries it could not apply (always none embedded).
      provide: SKIPPED_STREAM_ENTRIES,
      inject: [STATE_BACKEND],
      useFactory:
        (backend: StateBackend): SkippedStreamEntries =>
        () =>
          backend.skippedStreamEntries?.() ?? new Map<string, number>(),
    },
    {
      provide: ExpiryScheduler,
      inject: [Registry, CONFIG],
      // Embedded mode only: in a cluster its heap would track every instance and never be drained.
      useFactory: (registry: Registry, config: BeaconConfig): ExpiryScheduler | null =>
        config.cluster ? null : new ExpiryScheduler(registry, { tickMs: config.expiryTickMs }),
    },
    {
      provide: HealthCheckScheduler,
      inject: [STATE_BACKEND, CONFIG],
      // In cluster mode each service is checked by one node and the results are shared (src/cluster/).
      useFactory: (backend: StateBackend, config: BeaconConfig) =>
        new HealthCheckScheduler(
          backend.registry,
          new SocketProber(new ProbeTargetPolicy(config.healthCheckAllow, config.healthCheckDeny)),
          Math.random,
          backend.checks,
        ),
    },
    StateBackendLifecycle,
  ],
  exports: [
    STATE_BACKEND,
    AUTH_STORE,
    AuditTrail,
    Registry,
    ExpiryScheduler,
    HealthCheckScheduler,
    SKIPPED_STREAM_ENTRIES,
  ],
})
export class StateBackendModule {}

/** Where other nodes and tools reach this node: HOST, or the host name when HOST is a wildcard. */
function advertisedAddress(host: string, port: number): string {
  return `${host === '0.0.0.0' || host === '::' ? hostname() : host}:${port}`;
}
