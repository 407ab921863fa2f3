import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { BeatProcessor, ExpiryScheduler, HealthCheckScheduler, Registry, systemClock } from '@beacon/core';
import type { BeaconConfig } from '../config/config.js';
import { SocketProber } from '../probes/socket-prober.js';
import { SqliteDatabase } from '../storage/sqlite-database.js';
import { SqliteStore } from '../storage/sqlite-store.js';
import { CONFIG } from '../config/tokens.js';

/** Starts the schedulers once the app is ready; stops them and closes storage on shutdown. */
@Injectable()
class RegistryLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Registry');

  constructor(
    @Inject(Registry) private readonly registry: Registry,
    @Inject(ExpiryScheduler) private readonly expiry: ExpiryScheduler,
    @Inject(HealthCheckScheduler) private readonly checks: HealthCheckScheduler,
    @Inject(SqliteStore) private readonly store: SqliteStore,
  ) {}

  onApplicationBootstrap(): void {
    this.expiry.start();
    this.checks.start();
    this.logger.log(
      `registry ready: ${this.registry.serviceCount()} services, ${this.registry.instanceCount()} persistent instances restored from ${this.store.path}`,
    );
  }

  onApplicationShutdown(): void {
    this.expiry.stop();
    this.checks.stop();
    this.store.close();
  }
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
      provide: SqliteStore,
      inject: [SqliteDatabase],
      useFactory: (database: SqliteDatabase) => new SqliteStore(database),
    },
    {
      provide: Registry,
      inject: [CONFIG, SqliteStore],
      useFactory: (config: BeaconConfig, store: SqliteStore) => {
        const logger = new Logger('Registry');
        return new Registry({
          clock: systemClock,
          store,
          limits: {
            maxServicesPerNamespace: config.maxServicesPerNamespace,
            maxInstancesPerNamespace: config.maxInstancesPerNamespace,
            maxMetadataBytes: config.maxMetadataBytes,
          },
          reportError: (error) => logger.error(`change listener failed: ${String(error)}`),
        });
      },
    },
    { provide: BeatProcessor, inject: [Registry], useFactory: (registry: Registry) => new BeatProcessor(registry) },
    {
      provide: ExpiryScheduler,
      inject: [Registry, CONFIG],
      useFactory: (registry: Registry, config: BeaconConfig) =>
        new ExpiryScheduler(registry, { tickMs: config.expiryTickMs }),
    },
    {
      provide: HealthCheckScheduler,
      inject: [Registry],
      useFactory: (registry: Registry) => new HealthCheckScheduler(registry, new SocketProber()),
    },
    RegistryLifecycle,
  ],
  exports: [Registry, BeatProcessor, ExpiryScheduler, HealthCheckScheduler, SqliteDatabase, SqliteStore],
})
export class RegistryModule {}
