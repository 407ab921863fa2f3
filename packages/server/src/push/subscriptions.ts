import { Injectable } from '@nestjs/common';
import type { ClientInfo } from '../nacos/client-info.js';

export interface ListQuery {
  readonly namespaceId: string;
  readonly serviceName: string;
  readonly clusters: string;
  readonly clientIP: string;
  readonly udpPort: number;
  readonly client: ClientInfo;
  readonly app: string;
}

export interface Subscriber {
  readonly addrStr: string;
  readonly agent: string;
  readonly app: string;
  readonly ip: string;
  readonly port: number;
  readonly namespaceId: string;
  readonly serviceName: string;
}

/**
 * Who listens to which service. `/instance/list` reports every query here; the answer says
 * whether the caller now receives pushes, which sets the `cacheMillis` it is told.
 * Push delivery itself (UDP, watch stream) plugs in behind this.
 */
@Injectable()
export class Subscriptions {
  onListQuery(_query: ListQuery): boolean {
    return false;
  }

  subscribers(_namespaceId: string, _serviceName: string): Subscriber[] {
    return [];
  }
}
