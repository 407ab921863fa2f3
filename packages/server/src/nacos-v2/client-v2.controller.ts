import { Controller, Get, Inject } from '@nestjs/common';
import { ClientViews, type Publication } from '../application/client-views.js';
import { success, type NacosResult } from '../http/nacos-v2-result.js';
import type { ParamReader } from '../http/param-reader.js';
import { Params } from '../http/request-context.js';
import { groupedServiceOf, namespaceOf } from '../wire/nacos-names.js';
import type {
  ClientDetailV2,
  PublishedServiceV2,
  RegisteredInstanceV2,
  ServicePublisherV2,
  ServiceSubscriberV2,
  SubscribedServiceV2,
} from './responses.js';

/** Nacos 2.x's ClientInfoControllerV2, over Beacon's clients (application/client-views.ts). */
@Controller('nacos/v2/ns/client')
export class ClientV2Controller {
  constructor(@Inject(ClientViews) private readonly clients: ClientViews) {}

  @Get('list')
  list(): NacosResult<string[]> {
    return success(this.clients.ids());
  }

  @Get()
  detail(@Params() p: ParamReader): NacosResult<ClientDetailV2> {
    const c = this.clients.client(p.required('clientId'));
    const common = { clientId: c.clientId, ephemeral: c.ephemeral, lastUpdatedTime: c.lastUpdatedTime };
    const address = { clientIp: c.ip, clientPort: String(c.port) };
    if (c.kind === 'connection') {
      return success({
        ...common,
        clientType: 'connection',
        connectType: 'GRPC',
        appName: c.app,
        version: c.agent,
        ...address,
      });
    }
    return success({ ...common, clientType: c.kind, ...address });
  }

  @Get('publish/list')
  published(@Params() p: ParamReader): NacosResult<PublishedServiceV2[]> {
    const clientId = p.required('clientId');
    this.clients.client(clientId);
    return success(
      this.clients.publishedBy(clientId).map(({ service, instance }) => ({
        namespace: service.namespaceId,
        group: service.groupName,
        serviceName: service.bareName,
        registeredInstance: { ip: instance.ip, port: instance.port, cluster: instance.clusterName },
      })),
    );
  }

  @Get('subscribe/list')
  subscribed(@Params() p: ParamReader): NacosResult<SubscribedServiceV2[]> {
    const clientId = p.required('clientId');
    this.clients.client(clientId);
    return success(
      this.clients.subscribedBy(clientId).map(({ namespaceId, serviceName, listener }) => {
        const at = serviceName.indexOf('@@');
        return {
          namespace: namespaceId,
          group: serviceName.slice(0, at),
          serviceName: serviceName.slice(at + 2),
          subscriberInfo: { app: listener.app, agent: listener.agent, addr: `${listener.ip}:${listener.port}` },
        };
      }),
    );
  }

  /** Publishers of a service; `ip` and `port` narrow it when given. */
  @Get('service/publisher/list')
  publishers(@Params() p: ParamReader): NacosResult<ServicePublisherV2[]> {
    const found = this.clients.publishersOf(namespaceOf(p), groupedServiceOf(p), p.get('ip'), optionalPort(p));
    return success(found.map((f) => ({ ...registered(f), clientId: f.clientId })));
  }

  /** Subscribers of a service; `ip` and `port` narrow it when given. */
  @Get('service/subscriber/list')
  subscribers(@Params() p: ParamReader): NacosResult<ServiceSubscriberV2[]> {
    const found = this.clients.subscribersOf(namespaceOf(p), groupedServiceOf(p), p.get('ip'), optionalPort(p));
    return success(found.map((s) => ({ clientId: s.clientId, ip: s.listener.ip, port: s.listener.port })));
  }
}

function registered({ instance }: Publication): RegisteredInstanceV2 {
  return { ip: instance.ip, port: instance.port, cluster: instance.clusterName };
}

function optionalPort(p: ParamReader): number | undefined {
  return p.has('port') ? p.int('port', 0) : undefined;
}
