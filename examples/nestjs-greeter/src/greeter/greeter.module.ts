import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BeaconModule } from '@beacon/nestjs';
import { BeaconHealthIndicator } from '@beacon/nestjs/terminus';
import { beaconSettings } from '../beacon-settings.js';
import { GreeterController } from './greeter.controller.js';

@Module({
  imports: [
    // Registered as `greeter` once the HTTP server listens, on the port it listens on.
    BeaconModule.forRootAsync({ useFactory: () => ({ ...beaconSettings(), serviceName: 'greeter' }) }),
    TerminusModule,
  ],
  controllers: [GreeterController],
  providers: [BeaconHealthIndicator],
})
export class GreeterModule {}
