import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { BeaconConfig } from './config.js';
import { CONFIG } from './tokens.js';

/** The typed configuration, read once at start; the only global module, since every module reads it. */
@Global()
@Module({})
export class ConfigModule {
  static of(config: BeaconConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] };
  }
}
