import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NamespaceService } from '../application/namespace-service.js';
import { ServiceCatalog } from '../application/service-catalog.js';
import { AccessDirectory } from '../auth/access-directory.js';
import type { Identity } from '../auth/authenticator.js';
import { CurrentIdentity } from '../auth/current-identity.js';
import { OverviewDto } from '../wire/dto/service.dto.js';
import { NativeViews } from '../wire/native-views.js';

/** How many of the worst services across namespaces the overview lists. */
const WORST_LISTED = 50;

@ApiTags('services')
@Controller('api/v1/overview')
export class OverviewController {
  constructor(
    @Inject(NamespaceService) private readonly namespaces: NamespaceService,
    @Inject(ServiceCatalog) private readonly catalog: ServiceCatalog,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
    @Inject(NativeViews) private readonly views: NativeViews,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'getOverview',
    summary: 'Every namespace the caller may read with its health counts, and the worst services across them',
  })
  @ApiOkResponse({ type: OverviewDto })
  overview(@CurrentIdentity() identity: Identity): OverviewDto {
    // The same namespaces GET /api/v1/namespaces lists for this caller.
    const readable = this.namespaces
      .list()
      .filter((ns) => identity.admin || this.directory.readsInNamespace(identity.username, ns.id));
    const { namespaces, worst } = this.catalog.overview(
      readable.map((ns) => ns.id),
      WORST_LISTED,
    );
    return {
      namespaces: namespaces.map(({ namespaceId, summary }, i) => ({
        namespaceId,
        name: readable[i]!.name,
        ...summary,
      })),
      worst: worst.map((s) => this.views.listedService(s, this.catalog.lostAllInstancesAt(s))),
    };
  }
}
