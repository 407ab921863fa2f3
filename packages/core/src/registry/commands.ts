import type { Metadata } from '../metadata.js';
import type { InstanceAddress } from '../model/instance-address.js';
import type { Selector } from '../model/service.js';

/** A registration (POST /instance, a full beat for a missing instance) or a Nacos PUT /instance. */
export interface RegisterCommand extends InstanceAddress {
  weight: number;
  enabled: boolean;
  healthy: boolean;
  ephemeral: boolean;
  metadata: Metadata;
  app: string | undefined;
  /** Set by the gRPC face: the instance lives as long as this connection (see Instance.connectionId). */
  connectionId?: string;
}

/** PATCH /instance: only the fields given change. */
export interface PatchCommand extends InstanceAddress {
  metadata?: Metadata;
  app?: string;
  weight?: number;
  healthy?: boolean;
  enabled?: boolean;
}

export interface DeregisterCommand extends InstanceAddress {
  ephemeral: boolean;
}

export interface ServiceCommand {
  namespaceId: string;
  serviceName: string;
  protectThreshold: number;
  metadata: Metadata;
  selector: Selector;
}

/** Nacos's `Instance.toString()`, quoted in its "instance not exist" message. */
export function describeCommand(cmd: RegisterCommand): string {
  return `Instance{ip='${cmd.ip}', port=${cmd.port}, clusterName='${cmd.clusterName}', ephemeral=${cmd.ephemeral}, serviceName='${cmd.serviceName}'}`;
}
