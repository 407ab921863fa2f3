import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { NamingClient } from '@beacon/sdk';
import { InstanceRegistration } from '../registration/instance-registration.js';

/**
 * A @nestjs/terminus indicator of the Beacon link. `down` when the registry refused the
 * registration (it will not heal by itself); `degraded` while no registry server answers (the SDK
 * keeps retrying, the application still serves) or the watch stream is down (lists are polled);
 * else `up`. The details say which: `registration`, `instance`, `watch`, `server`, `error`.
 *
 *   @Get('health') @HealthCheck()
 *   check() { return this.health.check([() => this.beacon.isHealthy()]); }
 */
@Injectable()
export class BeaconHealthIndicator {
  constructor(
    @Inject(HealthIndicatorService) private readonly health: HealthIndicatorService,
    @Inject(InstanceRegistration) private readonly registration: InstanceRegistration,
    @Inject(NamingClient) private readonly client: NamingClient,
  ) {}

  isHealthy<const Key extends string = 'beacon'>(key: Key = 'beacon' as Key): HealthIndicatorResult<Key> {
    const registration = this.registration.state;
    const watch = this.client.watchMode;
    const details = {
      registration,
      ...(this.registration.address && { instance: this.registration.address }),
      watch,
      server: this.client.currentServer,
      ...(this.registration.lastError && { error: this.registration.lastError.message }),
    };
    const session = this.health.check(key);
    if (registration === 'refused') return session.down(details);
    if (registration === 'retrying' || watch === 'down') return session.degraded(details);
    return session.up(details);
  }
}
