import type { HealthChecker, Metadata, Selector } from '@beacon/core';
import type { ServerStatus } from '../application/server-status.js';

/** GET /instance: Nacos's InstanceDetailInfoVo. */
export interface InstanceDetailV2 {
  readonly serviceName: string;
  readonly ip: string;
  readonly port: number;
  readonly clusterName: string;
  readonly weight: number;
  readonly healthy: boolean;
  readonly instanceId: string;
  readonly metadata: Metadata;
}

/** PUT/DELETE /instance/metadata/batch: the `ip:port:ephemeral:cluster` keys of the instances changed. */
export interface BatchMetadataV2 {
  readonly updated: string[];
}

/** GET /service: Nacos's ServiceDetailInfo. */
export interface ServiceDetailV2 {
  readonly namespace: string;
  readonly serviceName: string;
  readonly groupName: string;
  readonly clusterMap: Record<string, ClusterInfoV2>;
  readonly metadata: Metadata;
  readonly protectThreshold: number;
  readonly selector: Selector;
  readonly ephemeral: boolean;
}

export interface ClusterInfoV2 {
  readonly clusterName: string;
  readonly healthChecker: HealthChecker;
  readonly metadata: Metadata;
  readonly hosts: null;
}

/** GET /service/list: Nacos's ServiceNameView, bare names of one group. */
export interface ServiceNameViewV2 {
  readonly count: number;
  readonly services: string[];
}

/** GET /operator/metrics: Nacos's MetricsInfoVo (only `status` unless `onlyStatus=false`). */
export interface MetricsV2 {
  readonly status: ServerStatus;
  readonly serviceCount?: number;
  readonly instanceCount?: number;
  readonly subscribeCount?: number;
  readonly clientCount?: number;
  readonly connectionBasedClientCount?: number;
  readonly ephemeralIpPortClientCount?: number;
  readonly persistentIpPortClientCount?: number;
  readonly responsibleClientCount?: number;
  readonly cpu?: number;
  readonly load?: number;
  readonly mem?: number;
}

/** /nacos/v2/core/cluster/node/*: Nacos's Member. */
export interface MemberV2 {
  readonly ip: string;
  readonly port: number;
  readonly state: ServerStatus;
  readonly extendInfo: Record<string, unknown>;
  readonly address: string;
  readonly failAccessCnt: number;
  readonly abilities: Record<string, unknown>;
  readonly grpcReportEnabled: boolean;
}

/** /nacos/v2/console/namespace: Nacos's Namespace. */
export interface NamespaceV2 {
  readonly namespace: string;
  readonly namespaceShowName: string;
  readonly namespaceDesc: string;
  readonly quota: number;
  readonly configCount: number;
  readonly type: number;
}

/** One target group of Prometheus's HTTP service discovery. */
export interface ScrapeTargetGroup {
  readonly targets: string[];
  readonly labels: Record<string, string>;
}

/** GET /client: a gRPC connection, or an address (`ipPort`) or a watch stream (`watch`). */
export interface ClientDetailV2 {
  readonly clientId: string;
  readonly ephemeral: boolean;
  readonly lastUpdatedTime: number;
  readonly clientType: 'connection' | 'ipPort' | 'watch';
  readonly connectType?: string;
  readonly appName?: string;
  readonly version?: string;
  readonly clientIp: string;
  readonly clientPort: string;
}

export interface RegisteredInstanceV2 {
  readonly ip: string;
  readonly port: number;
  readonly cluster: string;
}

/** GET /client/publish/list: one instance a client publishes. */
export interface PublishedServiceV2 {
  readonly namespace: string;
  readonly group: string;
  readonly serviceName: string;
  readonly registeredInstance: RegisteredInstanceV2;
}

/** GET /client/subscribe/list: one service a client subscribes to. */
export interface SubscribedServiceV2 {
  readonly namespace: string;
  readonly group: string;
  readonly serviceName: string;
  readonly subscriberInfo: { readonly app: string; readonly agent: string; readonly addr: string };
}

/** GET /client/service/publisher/list. */
export interface ServicePublisherV2 extends RegisteredInstanceV2 {
  readonly clientId: string;
}

/** GET /client/service/subscriber/list. */
export interface ServiceSubscriberV2 {
  readonly clientId: string;
  readonly ip: string;
  readonly port: number;
}
