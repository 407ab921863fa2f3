import type { Service } from './model/service.js';

export type ChangeReason =
  | 'service.created'
  | 'service.updated'
  | 'service.deleted'
  | 'cluster.updated'
  | 'instance.registered'
  | 'instance.updated'
  | 'instance.deregistered'
  | 'instance.expired'
  | 'instance.healthy'
  | 'instance.unhealthy';

/** One event per mutation; `revision` is registry-wide and strictly increasing. */
export interface ServiceChange {
  readonly revision: number;
  readonly reason: ChangeReason;
  readonly service: Service;
  /** `ip:port` of the instance concerned, for instance changes. */
  readonly instance?: string;
  readonly at: number;
}

export type ChangeListener = (change: ServiceChange) => void;
