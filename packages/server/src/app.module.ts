import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { BeaconConfig } from './config/config.js';
import { ApiModule } from './api/api.module.js';
import { AuthModule } from './auth/auth.module.js';
import { GrpcModule } from './grpc/grpc.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NacosModule } from './nacos/nacos.module.js';
import { PushModule } from './push/push.module.js';
import { RegistryModule } from './registry/registry.module.js';
import { CONFIG } from './registry/tokens.js';

@Global()
@Module({})
class ConfigModule {
  static of(config: BeaconConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: BeaconConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.of(config),
        RegistryModule,
        AuthModule,
        MetricsModule,
        NacosModule,
        ApiModule,
        PushModule,
        GrpcModule,
      ],
    };
  }
}
