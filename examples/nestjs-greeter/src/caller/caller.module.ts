import { Module } from '@nestjs/common';
import { BeaconModule } from '@beacon/nestjs';
import { beaconSettings } from '../beacon-settings.js';
import { CallerController, GreeterPeers } from './caller.controller.js';

@Module({
  // The caller registers too (as `caller`): any app can be both a provider and a consumer.
  imports: [BeaconModule.forRoot({ ...beaconSettings(), serviceName: 'caller' })],
  controllers: [CallerController],
  providers: [GreeterPeers],
})
export class CallerModule {}
