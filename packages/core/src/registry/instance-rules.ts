import { InvalidParameterError, LimitExceededError } from '../errors.js';
import type { Limits } from '../limits.js';
import type { Metadata } from '../metadata.js';
import { checkClusterName, checkGroupedName, checkServiceNameChars } from '../names.js';

export function checkWeight(weight: number): void {
  if (!(weight >= 0 && weight <= 10000)) {
    throw new InvalidParameterError('instance format invalid: The weights range from 0.0 to 10000.0');
  }
}

export function checkInstanceCommand(serviceName: string, clusterName: string, weight: number): void {
  checkGroupedName(serviceName);
  checkServiceNameChars(serviceName);
  checkClusterName(clusterName);
  checkWeight(weight);
}

export function checkMetadataSize(metadata: Metadata, limits: Limits): void {
  let bytes = 0;
  for (const k in metadata) bytes += k.length + (metadata[k]?.length ?? 0) + 6;
  if (bytes > limits.maxMetadataBytes) {
    throw new LimitExceededError(`metadata too large: ${bytes} bytes, the limit is ${limits.maxMetadataBytes}`);
  }
}
