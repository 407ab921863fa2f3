import { type DynamicModule, Module } from '@nestjs/common';
import type { BeaconConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { ApiModule } from './api/api.module.js';
import { ApplicationModule } from './application/application.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AuthApiModule } from './auth-api/auth-api.module.js';
import { GrpcModule } from './grpc/grpc.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NacosModule } from './nacos/nacos.module.js';
import { NacosV2Module } from './nacos-v2/nacos-v2.module.js';
import { PushModule } from './push/push.module.js';

@Module({})
export class AppModule {
  static forRoot(config: BeaconConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.of(config),
        ApplicationModule,
        AuthModule,
        AuthApiModule,
        MetricsModule,
        NacosModule,
        NacosV2Module,
        ApiModule,
        PushModule,
        GrpcModule,
      ],
    };
  }
}
