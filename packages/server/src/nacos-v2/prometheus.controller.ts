import { Controller, Get, Inject, Param } from '@nestjs/common';
import { normalizeNamespace } from '@beacon/core';
import { ServiceCatalog } from '../application/service-catalog.js';
import type { ScrapeTargetGroup } from './responses.js';
import { scrapeTargetGroups } from './scrape-targets.js';

/**
 * Prometheus HTTP service discovery, at Nacos's paths: every instance, those of one namespace, or
 * those of one service (its bare name, in any group) of a namespace. Healthy or not, as in Nacos:
 * Prometheus is what tells an operator a target is down.
 */
@Controller('nacos/prometheus')
export class PrometheusController {
  constructor(@Inject(ServiceCatalog) private readonly catalog: ServiceCatalog) {}

  @Get()
  all(): ScrapeTargetGroup[] {
    return scrapeTargetGroups(this.catalog.scrapeable(undefined));
  }

  @Get('namespaceId/:namespaceId')
  namespace(@Param('namespaceId') namespaceId: string): ScrapeTargetGroup[] {
    return scrapeTargetGroups(this.catalog.scrapeable(normalizeNamespace(namespaceId)));
  }

  @Get('namespaceId/:namespaceId/service/:service')
  service(@Param('namespaceId') namespaceId: string, @Param('service') service: string): ScrapeTargetGroup[] {
    return scrapeTargetGroups(this.catalog.scrapeable(normalizeNamespace(namespaceId), service));
  }
}
