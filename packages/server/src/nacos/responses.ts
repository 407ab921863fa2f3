import type { HealthChecker, Metadata, Selector } from '@beacon/core';
import type { Subscriber } from '../application/discovery-service.js';

// The JSON bodies of the Nacos 1.x face, one named type per answer, in the field order Nacos
// writes them (clients compare some of them byte for byte). The ServiceInfo of /instance/list
// lives in wire/nacos-service-info.ts, since UDP pushes carry it too.

/** `isCheck=true` on /instance/list: an empty object, only the subscription mattered. */
export type EmptyAnswer = Record<string, never>;

/** GET /instance */
export interface InstanceDetail {
  readonly service: string;
  readonly ip: string;
  readonly port: number;
  readonly clusterName: string;
  readonly weight: number;
  readonly healthy: boolean;
  readonly instanceId: string;
  readonly metadata: Metadata;
}

/** GET /instance/statuses: `ip:port_healthy` per instance. */
export interface InstanceStatuses {
  readonly ips: string[];
}

/** PUT and DELETE /instance/metadata/batch: `datumKey:ephemeral|persist` of each instance changed. */
export interface BatchMetadataResult {
  readonly updated: string[];
}

/** GET /service */
export interface ServiceDetail {
  readonly name: string;
  readonly namespaceId: string;
  readonly protectThreshold: number;
  readonly metadata: Metadata;
  readonly selector: Selector;
  readonly groupName: string;
  readonly clusters: { readonly name: string; readonly healthChecker: HealthChecker; readonly metadata: Metadata }[];
}

/** GET /service/list */
export interface ServiceNamePage {
  readonly doms: string[];
  readonly count: number;
}

/** GET /service/names */
export interface ServiceNamesByNamespace {
  readonly services: Record<string, string[]>;
  readonly count: number;
}

/** GET /service/subscribers */
export interface SubscriberPage {
  readonly subscribers: Omit<Subscriber, 'port'>[];
  readonly count: number;
}

/** One row of GET /catalog/services. */
export interface CatalogServiceSummary {
  readonly name: string;
  readonly groupName: string;
  readonly clusterCount: number;
  readonly ipCount: number;
  readonly healthyInstanceCount: number;
  /** Whether the protect threshold is reached, as the text "true" or "false". */
  readonly triggerFlag: string;
}

/** GET /catalog/services */
export interface CatalogServicePage {
  readonly serviceList: CatalogServiceSummary[];
  readonly count: number;
}

/** One service of GET /catalog/services?withInstances=true. */
export interface CatalogServiceWithHosts {
  readonly serviceName: string;
  readonly groupName: string;
  readonly metadata: Metadata;
  readonly clusterMap: Record<
    string,
    {
      readonly hosts: {
        readonly ip: string;
        readonly port: number;
        readonly metadata: Metadata;
        readonly valid: boolean;
        readonly weight: number;
        readonly enabled: boolean;
      }[];
    }
  >;
}

/** A cluster of GET /catalog/service, with Nacos's legacy duplicate fields. */
export interface CatalogCluster {
  readonly serviceName: string;
  readonly name: string;
  readonly healthChecker: HealthChecker;
  readonly defaultPort: number;
  readonly defaultCheckPort: number;
  readonly useIPPort4Check: boolean;
  readonly metadata: Metadata;
  readonly defIPPort: number;
  readonly defCkport: number;
  readonly sitegroup: '';
  readonly empty: boolean;
}

/** GET /catalog/service */
export interface CatalogServiceDetail {
  readonly service: {
    readonly name: string;
    readonly protectThreshold: number;
    readonly groupName: string;
    readonly selector: Selector;
    readonly metadata: Metadata;
  };
  readonly clusters: CatalogCluster[];
}

/** The full internal instance object of the Nacos console, nulls omitted. */
export interface FullInstance {
  readonly instanceId: string;
  readonly ip: string;
  readonly port: number;
  readonly weight: number;
  readonly healthy: boolean;
  readonly enabled: boolean;
  readonly ephemeral: boolean;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly metadata: Metadata;
  readonly lastBeat: number;
  readonly marked: boolean;
  readonly app: string | undefined;
  readonly instanceHeartBeatInterval: number;
  readonly instanceHeartBeatTimeOut: number;
  readonly ipDeleteTimeout: number;
  readonly instanceIdGenerator?: string;
}

/** GET /catalog/instances */
export interface CatalogInstancePage {
  readonly list: FullInstance[];
  readonly count: number;
}

/** GET /operator/metrics; clients' serverHealthy() reads `status`. */
export interface OperatorMetrics {
  readonly status: string;
  readonly serviceCount: number;
  readonly instanceCount: number;
  readonly raftNotifyTaskCount: number;
  readonly responsibleServiceCount: number;
  readonly responsibleInstanceCount: number;
  readonly cpu: number;
  readonly load: number;
  readonly mem: number;
}

/** GET /operator/servers: a standalone server knows no peers. */
/** GET /operator/servers: the cluster members, Nacos's Member objects (here, this one server). */
export interface ServerList {
  readonly servers: readonly {
    readonly ip: string;
    readonly port: number;
    readonly state: string;
    readonly extendInfo: { readonly site: string; readonly lastRefreshTime: number };
    readonly address: string;
    readonly failAccessCnt: number;
  }[];
}

/** GET /health/server */
export interface HealthGreeting {
  readonly msg: string;
}

/** GET /health/checkers: the checker types a cluster may use. */
export interface HealthCheckerTypes {
  readonly TCP: { readonly type: 'TCP' };
  readonly HTTP: { readonly type: 'HTTP'; readonly path: ''; readonly headers: ''; readonly expectedResponseCode: 200 };
  readonly MYSQL: { readonly type: 'MYSQL'; readonly user: null; readonly pwd: null; readonly cmd: null };
  readonly NONE: { readonly type: 'NONE' };
}

/** One namespace as the Nacos console lists it; `type` 0 is public, 2 a custom one. */
export interface NacosNamespace {
  readonly namespace: string;
  readonly namespaceShowName: string;
  readonly quota: number;
  readonly configCount: number;
  readonly type: 0 | 2;
}

/** GET /console/namespaces?show=all */
export interface NacosNamespaceDetail extends NacosNamespace {
  readonly namespaceDesc: string;
}

/** GET /console/namespaces */
export interface NacosNamespaceList {
  readonly code: 200;
  readonly message: null;
  readonly data: NacosNamespace[];
}

/** GET /console/server/state */
export interface ServerState {
  readonly version: string;
  readonly standalone_mode: 'standalone';
  readonly function_mode: 'naming';
}

/** GET /api/allDomNames: grouped service names of one namespace. */
export interface DomNames {
  readonly doms: string[];
  readonly count: number;
}
