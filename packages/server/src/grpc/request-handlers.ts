import { InvalidParameterError } from '@beacon/core';
import type { ConnectionDiscovery } from '../application/connection-discovery.js';
import type { ConnectionRegistrations } from '../application/connection-registrations.js';
import { boundedPage, type ServiceCatalog } from '../application/service-catalog.js';
import { namespaceResource, serviceResource, type Action, type NamingResource } from '../auth/resource.js';
import type { GrpcConnection } from './connection.js';
import {
  boolField,
  deregisterCommandFrom,
  groupOfRequest,
  instanceObjects,
  intField,
  namespaceOfRequest,
  registerCommandFrom,
  serviceOf,
  stringField,
} from './naming-requests.js';
import type { Message } from './payload.js';
import { success, type Reply } from './responses.js';

/** One request type of the Nacos 2.x naming module. */
export interface RequestHandler {
  /** The response type a client waits for: refusals come in it too (responses.ts `refusal`). */
  readonly responseType: string;
  /** What the request touches and how, checked before it runs. */
  access(message: Message, connection: GrpcConnection): { resource: NamingResource; action: Action };
  handle(message: Message, connection: GrpcConnection): Reply | Promise<Reply>;
}

/** Largest page a ServiceListRequest gets, whatever it asks for. */
const MAX_PAGE_SIZE = 10_000;

/** When the names cannot be read, the whole namespace is required: stricter, never looser. */
function serviceAccess(action: Action) {
  return (message: Message, connection: GrpcConnection) => {
    const namespace = connection.setup.namespaceId;
    try {
      const { namespaceId, serviceName } = serviceOf(message, namespace);
      return { resource: serviceResource(namespaceId, serviceName), action };
    } catch {
      return { resource: namespaceResource(safeNamespace(message, namespace)), action };
    }
  };
}

function safeNamespace(message: Message, fallback: string): string {
  try {
    return namespaceOfRequest(message, fallback);
  } catch {
    return fallback;
  }
}

/** The handlers by the request type the payload metadata names. */
export function namingHandlers(
  registrations: ConnectionRegistrations,
  discovery: ConnectionDiscovery,
  catalog: ServiceCatalog,
): Map<string, RequestHandler> {
  /** InstanceRequest, or PersistentInstanceRequest (Java 2.3+), whose instances are persistent whatever they say. */
  const instanceHandler = (persistent: boolean): RequestHandler => ({
    responseType: 'InstanceResponse',
    access: serviceAccess('w'),
    async handle(message, connection) {
      const type = stringField(message, 'type');
      const [sent] = instanceObjects(message, 'instance');
      const item = persistent ? { ...sent, ephemeral: false } : sent!;
      const ns = connection.setup.namespaceId;
      if (type === 'registerInstance') {
        await registrations.register(connection.id, registerCommandFrom(message, ns, item));
      } else if (type === 'deregisterInstance') {
        await registrations.deregister(connection.id, deregisterCommandFrom(message, ns, item));
      } else {
        throw new InvalidParameterError(`Unsupported request type ${type}`);
      }
      return success('InstanceResponse', message.body['requestId'], { type });
    },
  });

  const batch: RequestHandler = {
    responseType: 'BatchInstanceResponse',
    access: serviceAccess('w'),
    async handle(message, connection) {
      const type = stringField(message, 'type');
      const items = instanceObjects(message, 'instances');
      const ns = connection.setup.namespaceId;
      if (type === 'batchRegisterInstance') {
        // Every instance is read (and checked) before any is applied.
        const commands = items.map((item) => registerCommandFrom(message, ns, item));
        await registrations.batchRegister(connection.id, commands);
      } else if (type === 'batchDeregisterInstance') {
        const commands = items.map((item) => deregisterCommandFrom(message, ns, item));
        await registrations.batchDeregister(connection.id, commands);
      } else {
        throw new InvalidParameterError(`Unsupported request type ${type}`);
      }
      return success('BatchInstanceResponse', message.body['requestId'], { type });
    },
  };

  const query: RequestHandler = {
    responseType: 'QueryServiceResponse',
    access: serviceAccess('r'),
    handle(message, connection) {
      const { namespaceId, serviceName } = serviceOf(message, connection.setup.namespaceId);
      const serviceInfo = discovery.serviceInfo(
        namespaceId,
        serviceName,
        stringField(message, 'cluster'),
        boolField(message, 'healthyOnly', false),
      );
      return success('QueryServiceResponse', message.body['requestId'], { serviceInfo });
    },
  };

  const subscribe: RequestHandler = {
    responseType: 'SubscribeServiceResponse',
    access: serviceAccess('r'),
    handle(message, connection) {
      const { namespaceId, serviceName } = serviceOf(message, connection.setup.namespaceId);
      const clusters = stringField(message, 'clusters');
      if (boolField(message, 'subscribe', true)) {
        discovery.subscribe(connection, { namespaceId, serviceName, clusters });
      } else {
        discovery.unsubscribe(connection, namespaceId, serviceName);
      }
      const serviceInfo = discovery.serviceInfo(namespaceId, serviceName, clusters, false);
      return success('SubscribeServiceResponse', message.body['requestId'], { serviceInfo });
    },
  };

  const list: RequestHandler = {
    responseType: 'ServiceListResponse',
    access: (message, connection) => ({
      resource: namespaceResource(safeNamespace(message, connection.setup.namespaceId)),
      action: 'r',
    }),
    handle(message, connection) {
      const namespaceId = namespaceOfRequest(message, connection.setup.namespaceId);
      const pageNo = intField(message, 'pageNo', 1);
      const pageSize = intField(message, 'pageSize', 10);
      const group = groupOfRequest(message);
      const filter = group === undefined ? {} : { group: { equals: group } };
      const page = catalog.list(namespaceId, filter, boundedPage(pageNo, pageSize, 0, MAX_PAGE_SIZE));
      return success('ServiceListResponse', message.body['requestId'], {
        count: page.total,
        serviceNames: page.services.map((s) => s.bareName),
        message: 'success',
      });
    },
  };

  return new Map<string, RequestHandler>([
    ['InstanceRequest', instanceHandler(false)],
    // Java clients from 2.3 send persistent instances as their own type once the server's
    // abilities say it takes them (server-abilities.ts); the body is the same.
    ['PersistentInstanceRequest', instanceHandler(true)],
    ['BatchInstanceRequest', batch],
    ['ServiceQueryRequest', query],
    ['SubscribeServiceRequest', subscribe],
    ['ServiceListRequest', list],
  ]);
}
