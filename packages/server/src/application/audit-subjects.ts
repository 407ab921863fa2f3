import type { InstanceAddress, Registry } from '@beacon/core';
import { auditPath, type AuditTarget } from '../audit/audit-entry.js';
import { auditJson } from '../audit/audit-trail.js';
import type { MutationArgs, MutationKind } from './state-backend.js';

/**
 * Where the line between an operator's write and a client's runs: the mutations named here are
 * operator writes and are audited; the others are what clients do to their own instances and are
 * not. A registration and a deregistration (HTTP or gRPC, also by an operator's curl: the server
 * cannot tell), a beat (not a mutation at all) and an active check's result (`setCheckedHealth`)
 * are clients' or the server's own traffic, thousands a second in a fleet, and would bury the
 * few writes an operator makes. Updating, patching or health-flagging an existing instance, and
 * every namespace, service, cluster and switch change, are operator writes, whichever face
 * (native API, Nacos v1 or v2 HTTP) carries them; Nacos's gRPC protocol carries none.
 */
export type AuditedMutation = Exclude<MutationKind, 'registerInstance' | 'deregisterInstance' | 'setCheckedHealth'>;

/** What a mutation changes, and how to read it as it is: before the mutation, then after. */
export interface AuditSubject {
  readonly target: AuditTarget;
  readonly snapshot: () => unknown;
}

type SubjectOf<K extends AuditedMutation> = (registry: Registry, ...args: MutationArgs<K>) => AuditSubject;

const instance: SubjectOf<'editInstance'> = (registry, address) => instanceSubject(registry, address);

export const AUDIT_SUBJECTS: { readonly [K in AuditedMutation]: SubjectOf<K> } = {
  updateInstance: (registry, cmd) => instanceSubject(registry, cmd),
  patchInstance: (registry, cmd) => instanceSubject(registry, cmd),
  setHealthManually: (registry, address) => instanceSubject(registry, address),
  editInstance: instance,
  editInstanceMetadata: instance,
  batchMetadata: (registry, namespaceId, serviceName) => ({
    target: { type: 'service', path: auditPath(namespaceId, serviceName) },
    // Every instance's metadata by cluster/address; the trail keeps only those the batch changed.
    snapshot: () => {
      const service = registry.findService(namespaceId, serviceName);
      if (!service) return null;
      const metadata: Record<string, unknown> = {};
      for (const i of service.instances()) metadata[`${i.clusterName}/${i.ip}:${i.port}`] = i.metadata;
      return { instanceMetadata: metadata };
    },
  }),
  putNamespace: (registry, record) => namespaceSubject(registry, record.id),
  deleteNamespace: (registry, id) => namespaceSubject(registry, id),
  createService: (registry, cmd) => serviceSubject(registry, cmd.namespaceId, cmd.serviceName),
  updateService: (registry, cmd) => serviceSubject(registry, cmd.namespaceId, cmd.serviceName),
  deleteService: (registry, namespaceId, serviceName) => serviceSubject(registry, namespaceId, serviceName),
  updateCluster: (registry, namespaceId, serviceName, clusterName) => ({
    target: { type: 'cluster', path: auditPath(namespaceId, serviceName, clusterName) },
    snapshot: () => registry.findService(namespaceId, serviceName)?.cluster(clusterName)?.settings ?? null,
  }),
  updateSwitches: (registry) => ({ target: { type: 'switches', path: 'switches' }, snapshot: () => registry.switches }),
};

/** The subject of an audited mutation with these arguments. */
export function auditSubjectOf<K extends AuditedMutation>(
  registry: Registry,
  kind: K,
  args: MutationArgs<K>,
): AuditSubject {
  const subjectOf = AUDIT_SUBJECTS[kind] as unknown as (r: Registry, ...a: MutationArgs<K>) => AuditSubject;
  return subjectOf(registry, ...args);
}

/** An instance as an operator sees it: effective values, and which of them are the operator's. */
function instanceSubject(registry: Registry, address: InstanceAddress): AuditSubject {
  const { namespaceId, serviceName, clusterName, ip, port } = address;
  return {
    target: { type: 'instance', path: auditPath(namespaceId, serviceName, clusterName, `${ip}:${port}`) },
    snapshot: () => {
      const found = registry.findInstance(address);
      if (!found) return null;
      const view = registry.overrideView(found);
      return {
        ...view.effective,
        healthy: found.healthy,
        ephemeral: found.ephemeral,
        overridden: view.overridden,
      };
    },
  };
}

function namespaceSubject(registry: Registry, id: string): AuditSubject {
  return { target: { type: 'namespace', path: auditPath(id) }, snapshot: () => registry.namespaceRecord(id) ?? null };
}

function serviceSubject(registry: Registry, namespaceId: string, serviceName: string): AuditSubject {
  return {
    target: { type: 'service', path: auditPath(namespaceId, serviceName) },
    snapshot: () => registry.findService(namespaceId, serviceName)?.settings ?? null,
  };
}

/** A snapshot taken now, as plain JSON: later changes to the registry's objects do not reach it. */
export function takeSnapshot(subject: AuditSubject): ReturnType<typeof auditJson> {
  return auditJson(subject.snapshot());
}
