import { ServerError } from './errors.js';
import { parseServiceInfo, type ServiceInfo } from './service-info.js';
import type { NacosTransport } from './transport.js';
import type { Metadata, ServerStatus } from './types.js';

/** An instance as the client registers and beats it. */
export interface RegisteredInstance {
  readonly namespace: string;
  /** Grouped name. */
  readonly serviceName: string;
  readonly groupName: string;
  readonly ip: string;
  readonly port: number;
  readonly weight: number;
  readonly healthy: boolean;
  readonly enabled: boolean;
  readonly ephemeral: boolean;
  readonly clusterName: string;
  readonly metadata: Readonly<Metadata>;
}

export interface BeatReply {
  /** The period the server asks for, ms; undefined when it gave none. */
  readonly clientBeatInterval: number | undefined;
  /** 10200 OK, 20404 the instance is unknown to the server. */
  readonly code: number | undefined;
  readonly lightBeatEnabled: boolean | undefined;
}

export const BEAT_NOT_FOUND = 20404;

export interface ListQuery {
  readonly clusters: string;
  readonly udpPort?: number;
  readonly clientIP?: string;
}

/** The Nacos 1.x naming Open API calls the client needs, exactly as the Java client 1.4 sends them. */
export class NacosNamingApi {
  constructor(
    private readonly transport: NacosTransport,
    private readonly namespace: string,
    private readonly appName: string | undefined,
  ) {}

  async registerInstance(i: RegisteredInstance): Promise<void> {
    await this.transport.call({
      method: 'POST',
      path: '/v1/ns/instance',
      label: `register ${i.serviceName} ${i.ip}:${i.port}`,
      query: {
        namespaceId: i.namespace,
        serviceName: i.serviceName,
        groupName: i.groupName,
        clusterName: i.clusterName,
        ip: i.ip,
        port: i.port,
        weight: i.weight,
        enable: i.enabled,
        healthy: i.healthy,
        ephemeral: i.ephemeral,
        metadata: JSON.stringify(i.metadata),
        app: this.appName,
      },
    });
  }

  async deregisterInstance(i: {
    serviceName: string;
    ip: string;
    port: number;
    clusterName: string;
    ephemeral: boolean;
  }): Promise<void> {
    await this.transport.call({
      method: 'DELETE',
      path: '/v1/ns/instance',
      label: `deregister ${i.serviceName} ${i.ip}:${i.port}`,
      query: {
        namespaceId: this.namespace,
        serviceName: i.serviceName,
        clusterName: i.clusterName,
        ip: i.ip,
        port: i.port,
        ephemeral: i.ephemeral,
      },
    });
  }

  /** A full beat carries the instance (the server re-registers it if missing); a light beat only its address. */
  async sendBeat(i: RegisteredInstance, light: boolean): Promise<BeatReply> {
    const text = await this.transport.call({
      method: 'PUT',
      path: '/v1/ns/instance/beat',
      label: `beat ${i.serviceName} ${i.ip}:${i.port}`,
      query: {
        namespaceId: i.namespace,
        serviceName: i.serviceName,
        clusterName: i.clusterName,
        ip: i.ip,
        port: i.port,
      },
      ...(light
        ? {}
        : {
            form: {
              beat: JSON.stringify({
                ip: i.ip,
                port: i.port,
                weight: i.weight,
                serviceName: i.serviceName,
                cluster: i.clusterName,
                metadata: i.metadata,
                scheduled: false,
              }),
            },
          }),
    });
    const reply = parseJsonObject(text, 'beat');
    const interval = Number(reply['clientBeatInterval']);
    const code = Number(reply['code']);
    return {
      clientBeatInterval: Number.isFinite(interval) && interval > 0 ? interval : undefined,
      code: Number.isFinite(code) ? code : undefined,
      lightBeatEnabled: typeof reply['lightBeatEnabled'] === 'boolean' ? reply['lightBeatEnabled'] : undefined,
    };
  }

  async queryList(serviceName: string, q: ListQuery): Promise<ServiceInfo> {
    const text = await this.transport.call({
      method: 'GET',
      path: '/v1/ns/instance/list',
      label: `list ${serviceName}`,
      query: {
        namespaceId: this.namespace,
        serviceName,
        clusters: q.clusters,
        udpPort: q.udpPort ?? 0,
        clientIP: q.clientIP,
        healthyOnly: false,
      },
    });
    const info = parseServiceInfo(parseJsonObject(text, 'list'));
    // An unknown service answers without hosts; keep our key (name + clusters as asked) regardless.
    return { ...info, name: serviceName, clusters: q.clusters };
  }

  /** `status` of /operator/metrics, as every Nacos client's serverHealthy() reads it. */
  async serverStatus(): Promise<ServerStatus> {
    const text = await this.transport.call({ method: 'GET', path: '/v1/ns/operator/metrics', label: 'server status' });
    return parseJsonObject(text, 'server status')['status'] === 'UP' ? 'UP' : 'DOWN';
  }
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object') return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ServerError(200, text, 'server', `${what}: expected a JSON object`);
}
