import {
  checkClusterName,
  checkPort,
  checkWeight,
  DEFAULT_CLUSTER,
  type DeregisterCommand,
  InvalidParameterError,
  normalizeNamespace,
  parseMetadata,
  type RegisterCommand,
} from '@beacon/core';
import { ParamReader } from '../http/param-reader.js';
import { groupedServiceOf, namespaceOf } from '../wire/nacos-names.js';
import { headerOf, type Message } from './payload.js';

/**
 * Nacos 2.x naming requests read through the 1.x parameter reader, so names, numbers and metadata
 * follow the rules (and messages) of the HTTP face: wire/nacos-names.ts for the names,
 * ParamReader for Java's number syntax, the core for weights, clusters and metadata.
 */
function paramsOf(message: Message, connectionNamespace: string, instance?: Record<string, unknown>): ParamReader {
  const b = message.body;
  const metadata = instance?.['metadata'];
  return ParamReader.from(
    {
      namespaceId: scalar(b['namespace']) ?? connectionNamespace,
      serviceName: scalar(b['serviceName']),
      groupName: scalar(b['groupName']),
      ip: scalar(instance?.['ip']),
      port: scalar(instance?.['port']),
      weight: scalar(instance?.['weight']),
      enabled: scalar(instance?.['enabled']),
      healthy: scalar(instance?.['healthy']),
      ephemeral: scalar(instance?.['ephemeral']),
      clusterName: scalar(instance?.['clusterName']),
      metadata: metadata === undefined || metadata === null ? undefined : JSON.stringify(metadata),
      app: headerOf(message, 'app'),
    },
    undefined,
  );
}

/** Strings, numbers and booleans pass; anything else counts as missing (and is then refused). */
function scalar(value: unknown): string | number | boolean | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

/** `namespace` + `serviceName` + `groupName` of any naming request, checked as the HTTP face does. */
export function serviceOf(message: Message, connectionNamespace: string): { namespaceId: string; serviceName: string } {
  const p = paramsOf(message, connectionNamespace);
  return { namespaceId: namespaceOf(p), serviceName: groupedServiceOf(p) };
}

/** Only the namespace (service list requests): blank is `public`, as in the HTTP face. */
export function namespaceOfRequest(message: Message, connectionNamespace: string): string {
  return namespaceOf(paramsOf(message, connectionNamespace));
}

export function groupOfRequest(message: Message): string | undefined {
  const group = scalar(message.body['groupName']);
  return group === undefined || String(group).trim() === '' ? undefined : String(group).trim();
}

/** The `instance` object of an InstanceRequest, or every item of a BatchInstanceRequest. */
export function instanceObjects(message: Message, field: 'instance' | 'instances'): Record<string, unknown>[] {
  const value = message.body[field];
  const items = field === 'instance' ? [value] : value;
  if (!Array.isArray(items) || items.length === 0) {
    throw new InvalidParameterError(`Param '${field}' is required.`);
  }
  return items.map((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new InvalidParameterError(`Param '${field}' must hold instance objects.`);
    }
    return item as Record<string, unknown>;
  });
}

/**
 * A register command with every check the registry would make done up front, so that a batch
 * with one bad instance is refused before any of it is applied.
 */
export function registerCommandFrom(
  message: Message,
  connectionNamespace: string,
  instance: Record<string, unknown>,
): RegisterCommand {
  const p = paramsOf(message, connectionNamespace, instance);
  const cmd: RegisterCommand = {
    ...addressOf(p),
    weight: p.float('weight', 1),
    enabled: p.bool('enabled', true),
    healthy: p.bool('healthy', true),
    // Nacos 2.x's Instance is ephemeral unless it says otherwise (the 1.x server switch does not apply).
    ephemeral: p.bool('ephemeral', true),
    metadata: parseMetadata(p.get('metadata')),
    app: p.get('app'),
  };
  checkPort(cmd.port);
  checkWeight(cmd.weight);
  checkClusterName(cmd.clusterName);
  return cmd;
}

export function deregisterCommandFrom(
  message: Message,
  connectionNamespace: string,
  instance: Record<string, unknown>,
): DeregisterCommand {
  const p = paramsOf(message, connectionNamespace, instance);
  return { ...addressOf(p), ephemeral: p.bool('ephemeral', true) };
}

function addressOf(p: ParamReader) {
  return {
    namespaceId: namespaceOf(p),
    serviceName: groupedServiceOf(p),
    clusterName: p.get('clusterName') ?? DEFAULT_CLUSTER,
    ip: p.required('ip'),
    port: p.requiredInt('port'),
  };
}

export function stringField(message: Message, name: string): string {
  const value = scalar(message.body[name]);
  return value === undefined ? '' : String(value).trim();
}

export function boolField(message: Message, name: string, fallback: boolean): boolean {
  const value = message.body[name];
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return fallback;
}

export function intField(message: Message, name: string, fallback: number): number {
  const value = message.body[name];
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}

/** The namespace a connection announced at setup; blank is `public`. */
export function setupNamespace(tenant: unknown): string {
  return normalizeNamespace(typeof tenant === 'string' ? tenant : undefined);
}
