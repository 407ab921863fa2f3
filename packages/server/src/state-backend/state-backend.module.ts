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

/** Starts the schedulers once the app is ready; stops them and closes storage on shutdown. */
@Injectable()
class RegistryLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Registry');

  constructor(
    @Inject(STATE_BACKEND) private readonly backend: StateBackend,
    @Inject(ExpiryScheduler) private readonly expiry: ExpiryScheduler,
    @Inject(HealthCheckScheduler) private readonly checks: HealthCheckScheduler,
    @Inject(SqliteDatabase) private readonly database: SqliteDatabase,
    @Inject(AUTH_STORE) private readonly authStore: AuthStore,
  ) {}

  onApplicationBootstrap(): void {
    // In cluster mode expiry is Redis's, run by the holder of each shard's lease (src/cluster/).
    if (this.backend.start) this.backend.start();
    else this.expiry.start();
    this.checks.start();
    const registry = this.backend.registry;
    this.logger.log(
      `registry ready: ${registry.serviceCount()} services, ${registry.instanceCount()} instances restored from ${this.backend.start ? 'the cluster' : this.database.path}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.expiry.stop();
    this.checks.stop();
    await this.authStore.close?.();
    await this.backend.close?.();
    this.database.close();
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

@Module({
  providers: [
    {
      provide: SqliteDatabase,
      inject: [CONFIG],
      useFactory: (config: BeaconConfig) => {
        const logger = new Logger('Storage');
        return new SqliteDatabase(config.dataDir, { log: (message) => logger.log(message) });
      },
    },
    {
      // Embedded (default): the registry with SQLite behind it. Cluster: a view of Redis + PostgreSQL.
      provide: STATE_BACKEND,
      inject: [CONFIG, SqliteDatabase],
      useFactory: async (config: BeaconConfig, database: SqliteDatabase): Promise<StateBackend> => {
        if (config.cluster) {
          // Loaded only in cluster mode: an embedded node never loads ioredis or pg.
          const { ClusterStateBackend } = await import('../cluster/cluster-state-backend.js');
          return ClusterStateBackend.open(config.cluster, {
            ...registryOptions(config),
            expiryTickMs: config.expiryTickMs,
          });
        }
        const registry = new Registry({ ...registryOptions(config), store: new SqliteStore(database) });
        return new EmbeddedStateBackend(registry, new BeatProcessor(registry));
      },
    },
    {
      // Users, roles and permissions live where the durable state does: SQLite, or the cluster's PostgreSQL.
      provide: AUTH_STORE,
      inject: [CONFIG, STATE_BACKEND, SqliteDatabase],
      useFactory: async (config: BeaconConfig, backend: StateBackend, database: SqliteDatabase) => {
        if (!config.cluster) return new AuthRepository(database);
        const { PostgresAuthStore } = await import('../cluster/postgres-auth-store.js');
        const cluster = backend as ClusterStateBackend;
        const store = new PostgresAuthStore(cluster.pool, cluster.node);
        await store.follow(config.cluster.databaseUrl);
        return store;
      },
    },
    { provide: Registry, inject: [STATE_BACKEND], useFactory: (backend: StateBackend) => backend.registry },
    {
      provide: ExpiryScheduler,
      inject: [Registry, CONFIG],
      useFactory: (registry: Registry, config: BeaconConfig) =>
        new ExpiryScheduler(registry, { tickMs: config.expiryTickMs }),
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
    RegistryLifecycle,
  ],
  exports: [STATE_BACKEND, AUTH_STORE, Registry, ExpiryScheduler, HealthCheckScheduler, SqliteDatabase],
})
export class RegistryModule {}
