import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { ServiceChangeEvent } from '@beacon/sdk';
import { DiscoveryClient } from '../discovery/discovery-client.js';
import { instancesChangedTargets } from '../discovery/on-instances-changed.js';

/** Finds the `@OnInstancesChanged` methods of every provider and controller and subscribes them. */
@Injectable()
export class InstancesChangedExplorer implements OnApplicationBootstrap {
  private readonly logger = new Logger('Beacon');

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(DiscoveryClient) private readonly client: DiscoveryClient,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance: unknown = wrapper.instance;
      // Request-scoped providers have no single instance to call.
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        for (const target of instancesChangedTargets(prototype[name])) {
          const where = `${wrapper.name}.${name}`;
          const method = prototype[name] as (event: ServiceChangeEvent) => unknown;
          const listener = (event: ServiceChangeEvent) => this.call(where, () => method.call(instance, event));
          // Not awaited: the first list may take a registry round trip, the start should not.
          this.client
            .onChange(target.serviceName, listener, target.groupName ? { groupName: target.groupName } : {})
            .catch((error: unknown) => this.logger.error(`@OnInstancesChanged ${where}: ${String(error)}`));
        }
      }
    }
  }

  private call(where: string, run: () => unknown): void {
    const report = (error: unknown) =>
      this.logger.error(
        `@OnInstancesChanged ${where} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    try {
      const result = run();
      if (result instanceof Promise) result.catch(report);
    } catch (error) {
      report(error);
    }
  }
}
