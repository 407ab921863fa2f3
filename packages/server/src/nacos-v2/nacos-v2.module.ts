import { Module } from '@nestjs/common';
import { ApplicationModule } from '../application/application.module.js';
import { ClientV2Controller } from './client-v2.controller.js';
import { ClusterV2Controller } from './cluster-v2.controller.js';
import { HealthV2Controller } from './health-v2.controller.js';
import { InstanceV2Controller } from './instance-v2.controller.js';
import { NamespaceV2Controller } from './namespace-v2.controller.js';
import { OperatorV2Controller } from './operator-v2.controller.js';
import { PrometheusController } from './prometheus.controller.js';
import { ServiceV2Controller } from './service-v2.controller.js';

/**
 * The Nacos 2.x HTTP Open API (/nacos/v2/ns, /nacos/v2/core, /nacos/v2/console) and Prometheus
 * service discovery (/nacos/prometheus); docs/nacos-v2-http.md. Answers are `{code, message, data}`
 * Results; errors become Results in the one ErrorFilter (http/nacos-v2-result.ts).
 */
@Module({
  imports: [ApplicationModule],
  controllers: [
    InstanceV2Controller,
    ServiceV2Controller,
    HealthV2Controller,
    OperatorV2Controller,
    ClientV2Controller,
    ClusterV2Controller,
    NamespaceV2Controller,
    PrometheusController,
  ],
})
export class NacosV2Module {}
