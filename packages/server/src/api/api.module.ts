import { Module } from '@nestjs/common';
import { ApplicationModule } from '../application/application.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { WireModule } from '../wire/wire.module.js';
import { AuditController } from './audit.controller.js';
import { GroupsController } from './groups.controller.js';
import { InstancesController } from './instances.controller.js';
import { NamespacesController } from './namespaces.controller.js';
import { ServiceActivityController } from './service-activity.controller.js';
import { ServicesController } from './services.controller.js';
import { OverviewController } from './overview.controller.js';
import { StatusController } from './status.controller.js';

/** The native JSON API under /api/v1, described by the committed OpenAPI spec. */
@Module({
  imports: [ApplicationModule, WireModule, AuthModule],
  controllers: [
    StatusController,
    NamespacesController,
    ServicesController,
    ServiceActivityController,
    InstancesController,
    GroupsController,
    OverviewController,
    AuditController,
  ],
})
export class ApiModule {}
