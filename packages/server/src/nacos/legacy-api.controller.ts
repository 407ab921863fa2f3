import { Controller, Req, Get, Inject } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthGuard } from '../auth/auth-guard.js';
import { DiscoveryService } from '../application/discovery-service.js';
import { ServiceCatalog } from '../application/service-catalog.js';
import { Client, Params, SourceAddress } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import type { ClientInfo } from '../wire/client-info.js';
import { namespaceOf } from '../wire/nacos-names.js';
import type { ServiceInfo } from '../wire/nacos-service-info.js';
import { hostListAnswer } from './host-list-answer.js';
import type { DomNames, EmptyAnswer } from './responses.js';

/**
 * Nacos 1.4's ApiController (`/nacos/v1/ns/api`), still called by nacos-coredns-plugin and pre-1.0
 * clients: the service names of a namespace, and the host list. Guarded like the rest.
 */
@Controller('nacos/v1/ns/api')
export class LegacyApiController {
  constructor(
    @Inject(ServiceCatalog) private readonly catalog: ServiceCatalog,
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(AuthGuard) private readonly guard: AuthGuard,
  ) {}

  /** Grouped names; a namespace without services is an empty list (Nacos answers 500 there). */
  @Get('allDomNames')
  allDomNames(@Params() p: ParamReader): DomNames {
    const doms = this.catalog.find(namespaceOf(p), {}).map((s) => s.name);
    return { doms, count: doms.length };
  }

  /** `/instance/list` by its old name; healthy-only is asked for as `healthOnly` here. */
  @Get('srvIPXT')
  srvIpxt(
    @Params() p: ParamReader,
    @Client() client: ClientInfo,
    @SourceAddress() sourceAddress: string,
    @Req() request: FastifyRequest,
  ): ServiceInfo | EmptyAnswer {
    return hostListAnswer(
      this.discovery,
      p,
      client,
      sourceAddress,
      p.bool('healthOnly', false),
      this.guard.accessRecheck(request),
    );
  }
}
