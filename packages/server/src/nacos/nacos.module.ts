import { AuthModule } from '../auth/auth.module.js';
import { Module } from '@nestjs/common';
import { ApplicationModule } from '../application/application.module.js';
import { CatalogController } from './catalog.controller.js';
import { ClusterController } from './cluster.controller.js';
import { ConsoleController } from './console.controller.js';
import { HealthController } from './health.controller.js';
import { InstanceController } from './instance.controller.js';
import { LegacyApiController } from './legacy-api.controller.js';
import { OperatorController } from './operator.controller.js';
import { ServiceController } from './service.controller.js';

/** The Nacos 1.x naming Open API under /nacos/v1, shaped as docs/nacos-protocol.md says. */
@Module({
  imports: [ApplicationModule, AuthModule],
  controllers: [
    InstanceController,
    ServiceController,
    CatalogController,
    OperatorController,
    HealthController,
    ClusterController,
    ConsoleController,
    LegacyApiController,
  ],
})
export class NacosModule {}
