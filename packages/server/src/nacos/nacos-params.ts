import {
  checkGroupedName,
  DEFAULT_CLUSTER,
  InvalidParameterError,
  NO_SELECTOR,
  normalizeNamespace,
  requireParam,
  parseMetadata,
  toGroupedName,
  type BeatCommand,
  type BeatInfo,
  type DeregisterCommand,
  type PatchCommand,
  type RegisterCommand,
  type Selector,
  type ServiceCommand,
  type Switches,
  toStringMap,
} from '@beacon/core';
import { parseJavaDouble, type ParamReader } from '../http/param-reader.js';

/** As long as the console lets a namespace id be; longer ones could not even be addressed by /api/v1. */
const MAX_NAMESPACE_ID_LENGTH = 128;

export function namespaceOf(p: ParamReader): string {
  const id = normalizeNamespace(p.get('namespaceId'));
  if (id.length > MAX_NAMESPACE_ID_LENGTH) {
    throw new InvalidParameterError(`Param 'namespaceId' is too long: at most ${MAX_NAMESPACE_ID_LENGTH} characters`);
  }
  return id;
}

/**
 * DistroFilter: `serviceName` (or the pre-0.8 `dom`), joined with `groupName` unless already grouped;
 * then checkServiceNameFormat, which every naming controller applies (`@@svc`, `grp@@` are 400).
 */
export function groupedServiceOf(p: ParamReader): string {
  const name = requireParam(p.get('serviceName') ?? p.get('dom'), 'serviceName');
  const grouped = toGroupedName(name, p.get('groupName'));
  checkGroupedName(grouped);
  return grouped;
}

/** The `key` of `/instance/statuses`: `<namespace>##<group@@service>`, or just the service (public). */
export function statusesKeyOf(p: ParamReader): { namespaceId: string; serviceName: string } {
  const key = p.required('key');
  const sep = key.indexOf('##');
  return sep < 0
    ? { namespaceId: 'public', serviceName: key }
    : { namespaceId: key.slice(0, sep), serviceName: key.slice(sep + 2) };
}

/** Register, update and deregister read `clusterName`, falling back to `cluster`. */
export function clusterOf(p: ParamReader): string {
  return p.first('clusterName', 'cluster') ?? DEFAULT_CLUSTER;
}

export function registerCommandOf(p: ParamReader, switches: Switches): RegisterCommand {
  const serviceName = groupedServiceOf(p);
  const ip = p.required('ip');
  const port = p.requiredInt('port');
  return {
    namespaceId: namespaceOf(p),
    serviceName,
    clusterName: clusterOf(p),
    ip,
    port,
    weight: p.float('weight', 1),
    enabled: p.boolOf(['enabled', 'enable'], true),
    healthy: p.bool('healthy', true),
    ephemeral: p.bool('ephemeral', switches.defaultInstanceEphemeral),
    metadata: parseMetadata(p.get('metadata')),
    app: p.get('app'),
  };
}

export function deregisterCommandOf(p: ParamReader): DeregisterCommand {
  const serviceName = groupedServiceOf(p);
  return {
    namespaceId: namespaceOf(p),
    serviceName,
    clusterName: clusterOf(p),
    ip: p.required('ip'),
    port: p.requiredInt('port'),
    ephemeral: p.bool('ephemeral', true),
  };
}

export function patchCommandOf(p: ParamReader): PatchCommand {
  const serviceName = groupedServiceOf(p);
  const cmd: PatchCommand = {
    namespaceId: namespaceOf(p),
    serviceName,
    clusterName: clusterOf(p),
    ip: p.required('ip'),
    port: p.requiredInt('port'),
  };
  const metadata = p.get('metadata');
  if (metadata !== undefined) cmd.metadata = parseMetadata(metadata);
  const app = p.get('app');
  if (app !== undefined) cmd.app = app;
  if (p.has('weight')) cmd.weight = p.float('weight', 1);
  if (p.has('healthy')) cmd.healthy = p.bool('healthy', true);
  const enabled = p.first('enabled', 'enable');
  if (enabled !== undefined) cmd.enabled = enabled.toLowerCase() === 'true';
  return cmd;
}

export function beatCommandOf(p: ParamReader): BeatCommand {
  const serviceName = groupedServiceOf(p);
  const raw = p.get('beat');
  return {
    namespaceId: namespaceOf(p),
    serviceName,
    clusterName: p.get('clusterName') ?? DEFAULT_CLUSTER,
    ip: p.get('ip') ?? '',
    port: p.int('port', 0),
    beat: raw === undefined ? undefined : parseBeatInfo(raw),
  };
}

/** The `beat` JSON: only the fields the server reads, each checked for its type. */
export function parseBeatInfo(raw: string): BeatInfo {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InvalidParameterError(`beat format incorrect:${raw}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidParameterError(`beat format incorrect:${raw}`);
  }
  const v = value as Record<string, unknown>;
  const info: BeatInfo = {};
  if (typeof v['ip'] === 'string' && v['ip'].trim() !== '') info.ip = v['ip'].trim();
  const port = numberField(v, 'port', raw);
  if (port !== undefined) {
    if (!Number.isInteger(port)) throw new InvalidParameterError(`beat format incorrect:${raw}`);
    info.port = port;
  }
  const weight = numberField(v, 'weight', raw);
  if (weight !== undefined) info.weight = weight;
  if (typeof v['cluster'] === 'string' && v['cluster'].trim() !== '') info.cluster = v['cluster'].trim();
  if (typeof v['serviceName'] === 'string') info.serviceName = v['serviceName'];
  if (v['metadata'] !== undefined && v['metadata'] !== null) info.metadata = toStringMap(v['metadata']);
  if (typeof v['ephemeral'] === 'boolean') info.ephemeral = v['ephemeral'];
  else if (v['ephemeral'] === 'false') info.ephemeral = false;
  return info;
}

function numberField(v: Record<string, unknown>, key: string, raw: string): number | undefined {
  const value = v[key];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new InvalidParameterError(`beat format incorrect:${raw}`);
  return n;
}

export function parseSelector(raw: string | undefined): Selector {
  if (raw === undefined) return NO_SELECTOR;
  let text = raw;
  // The server URL-decodes the selector once more; a plain JSON value decodes to itself.
  try {
    text = decodeURIComponent(raw);
  } catch {
    // keep the raw text
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidParameterError(`selector format incorrect:${raw}`);
  }
  const v = (value ?? {}) as Record<string, unknown>;
  const type = typeof v['type'] === 'string' ? v['type'] : '';
  if (type === 'none') return NO_SELECTOR;
  if (type === 'label') {
    const expression = typeof v['expression'] === 'string' ? v['expression'] : '';
    return { type: 'label', expression };
  }
  throw new InvalidParameterError(`not match any type of selector!`);
}

export function serviceCommandOf(p: ParamReader, protectThresholdRequired: boolean): ServiceCommand {
  const serviceName = groupedServiceOf(p);
  const protectThreshold = protectThresholdRequired
    ? parseJavaDouble(p.required('protectThreshold'))
    : p.float('protectThreshold', 0);
  return {
    namespaceId: namespaceOf(p),
    serviceName,
    protectThreshold,
    metadata: parseMetadata(p.get('metadata')),
    selector: parseSelector(p.get('selector')),
  };
}
