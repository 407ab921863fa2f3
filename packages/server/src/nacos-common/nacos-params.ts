import { RE2JS } from 're2js';
import {
  DEFAULT_CLUSTER,
  InvalidParameterError,
  NO_SELECTOR,
  parseMetadata,
  type BeatCommand,
  type BeatInfo,
  type DeregisterCommand,
  type InstanceAddress,
  type PatchCommand,
  type Selector,
  type ServiceCommand,
  toStringMap,
} from '@beacon/core';
import { parseJavaDouble, type ParamReader } from '../http/param-reader.js';
import type { HostQuery } from '../application/discovery-service.js';
import type { InstanceRegistration, InstanceTarget } from '../application/instance-service.js';
import type { LabelMatch } from '../application/service-catalog.js';
import { groupedServiceOf, namespaceOf } from '../wire/nacos-names.js';

/** Register, update and deregister read `clusterName`, falling back to `cluster`. */
export function clusterOf(p: ParamReader): string {
  return p.first('clusterName', 'cluster') ?? DEFAULT_CLUSTER;
}

/** An instance address from `serviceName`, `ip`, `port` and the cluster the caller chose. */
export function instanceAddressOf(p: ParamReader, clusterName: string): InstanceAddress {
  const serviceName = groupedServiceOf(p);
  const ip = p.required('ip');
  const port = p.requiredInt('port');
  return { namespaceId: namespaceOf(p), serviceName, clusterName, ip, port };
}

/** `/instance/list`: the service, the clusters as sent, and where the caller listens for pushes. */
export function hostQueryOf(p: ParamReader, sourceAddress: string): HostQuery {
  const serviceName = groupedServiceOf(p);
  return {
    namespaceId: namespaceOf(p),
    serviceName,
    clusters: p.get('clusters') ?? '',
    udpPort: p.int('udpPort', 0),
    clientIP: p.get('clientIP'),
    sourceAddress,
    app: p.get('app') ?? 'unknown',
  };
}

/** A registration; without `ephemeral` the application applies the server's default. */
export function registrationOf(p: ParamReader): InstanceRegistration {
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
    ...(p.has('ephemeral') ? { ephemeral: p.bool('ephemeral', true) } : {}),
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
    throw new InvalidParameterError(`selector format incorrect:${raw}`, 'selector');
  }
  const v = (value ?? {}) as Record<string, unknown>;
  const type = typeof v['type'] === 'string' ? v['type'] : '';
  if (type === 'none') return NO_SELECTOR;
  if (type === 'label') {
    const expression = typeof v['expression'] === 'string' ? v['expression'] : '';
    return { type: 'label', expression };
  }
  throw new InvalidParameterError(`not match any type of selector!`, 'selector');
}

/**
 * The `selector` of `/service/list` as Nacos 1.4 reads it: only a label selector whose expression
 * is `INSTANCE.metadata.<key> = '<value>'` or `SERVICE.metadata.<key> = '<value>'` filters (spaces
 * ignored, the last dotted part is the key); any other label expression filters nothing.
 */
export function labelMatchOf(p: ParamReader): LabelMatch | undefined {
  const raw = p.get('selector');
  const selector = parseSelector(raw);
  if (selector.type !== 'label') return undefined;
  const expression = selector.expression.replace(/\s+/g, '');
  if (expression === '') return undefined;
  const [left = '', right] = expression.split('=');
  const factors = left.split('.');
  const on = factors[0];
  if (on !== 'INSTANCE' && on !== 'SERVICE') return undefined;
  if (right === undefined) throw new InvalidParameterError(`selector expression incorrect:${selector.expression}`);
  return { on, key: factors.at(-1) ?? '', value: right.replaceAll("'", '') };
}

/**
 * The `expr` of `/service/names`, matched as Nacos does: the whole of `<group@@name>:[]` against
 * `.*expr.*`, a regular expression. Compiled with RE2 (linear time): a caller's pattern cannot
 * make the server backtrack for ever.
 */
export function nameSearchOf(p: ParamReader): (groupedName: string) => boolean {
  const expr = p.get('expr') ?? '';
  let pattern: RE2JS;
  try {
    pattern = RE2JS.compile(`.*${expr}.*`);
  } catch (error) {
    throw new InvalidParameterError(`expr is not a valid regular expression: ${(error as Error).message}`);
  }
  // Nacos matches `<name>:<owners>`; a single server owns nothing, so the owners are `[]`.
  return (groupedName) => pattern.matches(`${groupedName}:[]`);
}

/** Nacos's NumberUtils.toInt: a Java int (up to 2147483647), anything else 0. */
export function lenientInt(raw: string): number {
  if (!/^[+-]?\d{1,10}$/.test(raw)) return 0;
  const n = Number(raw);
  return n > 2147483647 || n < -2147483648 ? 0 : n;
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

/**
 * The `instances` of a batch metadata edit: a JSON list of `{ip, port, ephemeral, clusterName}`,
 * ephemeral unless it says false, in DEFAULT unless it names a cluster.
 */
export function instanceListOf(p: ParamReader): InstanceTarget[] {
  const raw = p.get('instances') ?? '[]';
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InvalidParameterError(`instances format incorrect:${raw}`);
  }
  if (!Array.isArray(value)) throw new InvalidParameterError(`instances format incorrect:${raw}`);
  return value.map((item: unknown) => {
    const v = (item ?? {}) as Record<string, unknown>;
    const port = Number(v['port']);
    if (typeof v['ip'] !== 'string' || !Number.isInteger(port)) {
      throw new InvalidParameterError(`instances format incorrect:${raw}`);
    }
    return {
      ip: v['ip'],
      port,
      ephemeral: v['ephemeral'] !== false && v['ephemeral'] !== 'false',
      clusterName: typeof v['clusterName'] === 'string' && v['clusterName'] !== '' ? v['clusterName'] : DEFAULT_CLUSTER,
    };
  });
}
