import { Controller, Get, Inject, Query } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { InstanceRegistration } from '@beacon/nestjs';
import { BeaconHealthIndicator } from '@beacon/nestjs/terminus';

@Controller()
export class GreeterController {
  constructor(
    @Inject(InstanceRegistration) private readonly registration: InstanceRegistration,
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(BeaconHealthIndicator) private readonly beacon: BeaconHealthIndicator,
  ) {}

  /** Says hello, and which instance answered (the caller shows how calls spread). */
  @Get('greet')
  greet(@Query('name') name = 'world'): { greeting: string; servedBy: string | undefined } {
    return { greeting: `hello, ${name}`, servedBy: this.registration.address };
  }

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.beacon.isHealthy()]);
  }
}
