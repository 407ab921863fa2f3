import { PreservedKeys } from '../admin/preserved-keys.js';
import { configuredInterval } from './beat-reactor.js';
import { OptionsError } from './errors.js';
import { DEFAULT_CLUSTER } from './names.js';
import type { InstanceInput, Metadata } from './types.js';

const CLUSTER_NAME = /^[0-9a-zA-Z-]+$/;

/** An instance as registered: every field present, checked and trimmed. */
export type CheckedInstance = Required<Omit<InstanceInput, 'metadata'>> & { metadata: Metadata };

/**
 * The registration rules of an instance, with the Nacos defaults filled in (weight 1, healthy,
 * enabled, ephemeral, cluster DEFAULT). Throws an OptionsError naming the field. Exported so
 * integrations can check an application's instance while it starts, before it registers.
 */
export function checkInstanceInput(input: InstanceInput): CheckedInstance {
  if (input === null || typeof input !== 'object')
    throw new OptionsError('instance must be an object with ip and port');
  const address = checkAddress(input);
  const weight = input.weight ?? 1;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 10000) {
    throw new OptionsError(`instance weight must be a number from 0 to 10000, got ${JSON.stringify(input.weight)}`);
  }
  const metadata = checkMetadata(input.metadata);
  const interval = configuredInterval(metadata);
  const timeout = millis(metadata[PreservedKeys.beatTimeout]) ?? 15_000;
  const deleteTimeout = millis(metadata[PreservedKeys.deleteTimeout]) ?? 30_000;
  if (timeout < interval || deleteTimeout < interval) {
    // The Java client's check: an instance must beat more often than it can expire.
    throw new OptionsError(
      `instance 'heart beat interval' (${interval} ms) must not exceed 'heart beat timeout' (${timeout} ms) and 'ip delete timeout' (${deleteTimeout} ms)`,
    );
  }
  return {
    ...address,
    weight,
    healthy: flag(input.healthy, 'healthy'),
    enabled: flag(input.enabled, 'enabled'),
    ephemeral: flag(input.ephemeral, 'ephemeral'),
    clusterName: checkCluster(input.clusterName),
    metadata,
  };
}

export function checkAddress(i: { ip?: unknown; port?: unknown }): { ip: string; port: number } {
  if (typeof i?.ip !== 'string' || i.ip.trim() === '') {
    throw new OptionsError(`instance ip must be a non-empty string, got ${JSON.stringify(i?.ip)}`);
  }
  const port = i.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OptionsError(`instance port must be a whole number from 0 to 65535, got ${JSON.stringify(port)}`);
  }
  return { ip: i.ip.trim(), port };
}

export function checkCluster(clusterName: unknown): string {
  if (clusterName === undefined || clusterName === '') return DEFAULT_CLUSTER;
  if (typeof clusterName !== 'string' || !CLUSTER_NAME.test(clusterName)) {
    throw new OptionsError(`clusterName may only have 0-9a-zA-Z and '-', got ${JSON.stringify(clusterName)}`);
  }
  return clusterName;
}

function checkMetadata(metadata: unknown): Record<string, string> {
  if (metadata === undefined) return {};
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new OptionsError('instance metadata must be an object of string values');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string')
      throw new OptionsError(`instance metadata '${k}' must be a string, got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out;
}

function flag(value: unknown, name: string): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw new OptionsError(`instance ${name} must be true or false`);
  return value;
}

function millis(raw: string | undefined): number | undefined {
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}
