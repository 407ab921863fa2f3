import { DEFAULT_TIMINGS, EMPTY_METADATA, type BeatTimings, type Metadata } from '../metadata.js';
import type { CheckRecord } from '../health/check-record.js';
import type { InstanceAddress } from './instance-address.js';
import type { Service } from './service.js';

/** Key of an instance inside one cluster of a service: Nacos's datumKey without the constant parts. */
export function instanceKey(ip: string, port: number): string {
  return ip + ':' + port;
}

/**
 * A registered instance. Mutable on purpose: the beat path updates `lastBeat` in place. What the
 * expiry heap and the health checker keep about it (slot, deadline, streaks) they keep themselves.
 */
export class Instance {
  instanceId = '';
  /** Effective weight and enabled flag: the operator's override when set, else the client's. */
  weight = 1;
  healthy = true;
  enabled = true;
  /** Legacy Nacos flag; never set through the API, but honoured when present. */
  marked = false;
  app = 'DEFAULT';
  /** What the client registered, before operator overrides are applied. */
  registeredWeight = 1;
  registeredEnabled = true;
  registeredMetadata: Metadata = EMPTY_METADATA;
  /** Effective metadata: registered metadata with operator overrides on top. */
  metadata: Metadata = EMPTY_METADATA;
  timings: BeatTimings = DEFAULT_TIMINGS;
  lastBeat = 0;
  registeredAt = 0;
  /**
   * The gRPC connection that holds this instance (Nacos 2.x clients): it lives as long as that
   * connection, so beats and beat expiry do not apply. Undefined for beat- and check-held ones.
   */
  connectionId: string | undefined = undefined;

  /** What the last active check found (persistent instances), for operators. */
  lastCheck: CheckRecord | undefined = undefined;

  constructor(
    readonly service: Service,
    readonly ip: string,
    readonly port: number,
    readonly clusterName: string,
    readonly ephemeral: boolean,
  ) {}

  get key(): string {
    return instanceKey(this.ip, this.port);
  }

  get address(): InstanceAddress {
    return {
      namespaceId: this.service.namespaceId,
      serviceName: this.service.name,
      clusterName: this.clusterName,
      ip: this.ip,
      port: this.port,
    };
  }

  /** Nacos's datumKey form, used in metadata batch replies. */
  get datumKey(): string {
    return `${this.ip}:${this.port}:unknown:${this.clusterName}`;
  }

  describe(): string {
    return `Instance{ip='${this.ip}', port=${this.port}, clusterName='${this.clusterName}', ephemeral=${this.ephemeral}, service='${this.service.name}'}`;
  }
}
