import { Controller, Get, Header, Inject } from '@nestjs/common';
import { MetricsRegistry } from './metrics-registry.js';

/** Prometheus scrape endpoint, outside /api so the OpenAPI spec stays about the JSON API. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(MetricsRegistry) private readonly metrics: MetricsRegistry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  scrape(): string {
    return this.metrics.render();
  }
}
