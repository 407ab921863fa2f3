import { Module } from '@nestjs/common';
import { CatalogController } from './catalog.controller.js';
import { ClusterController } from './cluster.controller.js';
import { ConsoleController } from './console.controller.js';
import { HealthController } from './health.controller.js';
import { InstanceController } from './instance.controller.js';
import { OperatorController } from './operator.controller.js';
import { ServiceController } from './service.controller.js';

/** The Nacos 1.x naming Open API under /nacos/v1, shaped exactly as the reference says. */
@Module({
  controllers: [
    InstanceController,
    ServiceController,
    CatalogController,
    OperatorController,
    HealthController,
    ClusterController,
    ConsoleController,
  ],
  // Subscriptions and PushMetrics come from the global PushModule.
})
export class NacosModule {}
