import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { NamingClient } from '@beacon/sdk';
import { BeaconConfigError } from '../config/config-error.js';
import { InstanceRegistration, type ListeningServer } from '../registration/instance-registration.js';

/**
 * Ties the registration to the application's life: register when the HTTP server listens,
 * deregister as soon as shutdown starts (Nest closes the HTTP server only after every
 * onModuleDestroy and beforeApplicationShutdown hook, so peers stop calling us while we still
 * answer), and close the SDK client last.
 */
@Injectable()
export class BeaconLifecycle implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(InstanceRegistration) private readonly registration: InstanceRegistration,
    @Inject(NamingClient) private readonly client: NamingClient,
  ) {}

  onApplicationBootstrap(): void {
    const spec = this.registration.spec;
    if (!spec) return;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as ListeningServer | undefined;
    if (server && typeof server.once === 'function') {
      this.registration.listenOn(server);
    } else if (spec.port !== undefined) {
      void this.registration.register(spec.port);
    } else {
      throw new BeaconConfigError('BeaconModule: port is required in an application without an HTTP server');
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.registration.deregister();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
