import type { DiscoveryService } from '../application/discovery-service.js';
import type { ParamReader } from '../http/param-reader.js';
import { isModernJava, type ClientInfo } from '../wire/client-info.js';
import { buildServiceInfo, type ServiceInfo } from '../wire/nacos-service-info.js';
import { hostQueryOf } from '../nacos-common/nacos-params.js';
import type { EmptyAnswer } from './responses.js';

/**
 * The answer of `/instance/list` and of the legacy `/api/srvIPXT` (Nacos's doSrvIpxt, which both
 * call): the caller may become a push target, then gets the ServiceInfo, or `{}` for `isCheck`.
 */
export function hostListAnswer(
  discovery: DiscoveryService,
  p: ParamReader,
  client: ClientInfo,
  sourceAddress: string,
  healthyOnly: boolean,
  /** The request's access, checked again when access changes: a revoked poller's pushes stop at once. */
  stillAllowed: (() => boolean) | undefined,
): ServiceInfo | EmptyAnswer {
  const query = { ...hostQueryOf(p, sourceAddress), stillAllowed };
  const answer = discovery.queryHosts(query, client);
  if (p.bool('isCheck', false)) return {};
  return buildServiceInfo(
    answer.service,
    {
      serviceName: query.serviceName,
      clusters: query.clusters,
      healthyOnly,
      groupedNames: isModernJava(client),
      cacheMillis: answer.cacheMillis,
      env: p.get('env') ?? '',
    },
    answer.now,
  );
}
