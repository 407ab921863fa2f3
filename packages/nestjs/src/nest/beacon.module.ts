import {
  Global,
  Logger,
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OptionalFactoryDependency,
  type Provider,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { NamingClient } from '@beacon/sdk';
import { createNamingClient } from '../config/create-naming-client.js';
import { resolveBeaconOptions, type BeaconModuleOptions, type ResolvedBeaconOptions } from '../config/options.js';
import { DiscoveryClient } from '../discovery/discovery-client.js';
import { InstanceRegistration } from '../registration/instance-registration.js';
import { BeaconLifecycle } from './beacon-lifecycle.js';
import { InstancesChangedExplorer } from './instances-changed-explorer.js';
import { BEACON_OPTIONS, BEACON_RESOLVED_OPTIONS } from './tokens.js';

export interface BeaconModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: never[]) => BeaconModuleOptions | Promise<BeaconModuleOptions>;
  inject?: (InjectionToken | OptionalFactoryDependency)[];
}

const LABEL = 'BeaconModule';

/**
 * Registers the application with Beacon when its HTTP server listens, keeps it alive with the
 * SDK's beats, deregisters it on shutdown, and provides DiscoveryClient (and the SDK's
 * NamingClient) everywhere. Global: import it once, in the root module.
 */
@Global()
@Module({})
export class BeaconModule {
  static forRoot(options: BeaconModuleOptions): DynamicModule {
    return BeaconModule.build({ provide: BEACON_OPTIONS, useValue: options }, []);
  }

  /** Options from other providers, e.g. `{ imports: [ConfigModule], useFactory: (c: ConfigService) => ..., inject: [ConfigService] }`. */
  static forRootAsync(options: BeaconModuleAsyncOptions): DynamicModule {
    const { useFactory, inject = [], imports = [] } = options;
    return BeaconModule.build({ provide: BEACON_OPTIONS, useFactory, inject }, imports);
  }

  private static build(optionsProvider: Provider, imports: NonNullable<ModuleMetadata['imports']>): DynamicModule {
    return {
      module: BeaconModule,
      global: true,
      imports: [DiscoveryModule, ...imports],
      providers: [
        optionsProvider,
        {
          provide: BEACON_RESOLVED_OPTIONS,
          useFactory: (options: BeaconModuleOptions) => resolveBeaconOptions(options, LABEL),
          inject: [BEACON_OPTIONS],
        },
        {
          provide: NamingClient,
          useFactory: (resolved: ResolvedBeaconOptions) => createNamingClient(resolved.client, LABEL),
          inject: [BEACON_RESOLVED_OPTIONS],
        },
        {
          provide: InstanceRegistration,
          useFactory: (client: NamingClient, resolved: ResolvedBeaconOptions) =>
            new InstanceRegistration(client, resolved.instance, new Logger('Beacon')),
          inject: [NamingClient, BEACON_RESOLVED_OPTIONS],
        },
        {
          provide: DiscoveryClient,
          useFactory: (client: NamingClient, resolved: ResolvedBeaconOptions) =>
            new DiscoveryClient(client, resolved.groupName),
          inject: [NamingClient, BEACON_RESOLVED_OPTIONS],
        },
        BeaconLifecycle,
        InstancesChangedExplorer,
      ],
      exports: [NamingClient, InstanceRegistration, DiscoveryClient],
    };
  }
}
