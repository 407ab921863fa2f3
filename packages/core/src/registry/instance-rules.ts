import { InvalidParameterError, LimitExceededError } from '../errors.js';
import { checkInstanceHost } from '../instance-host.js';
import type { Limits } from '../limits.js';
import type { Metadata } from '../metadata.js';
import { checkNameLengths } from '../name-lengths.js';
import { checkClusterName, checkGroupedName, checkServiceNameChars } from '../names.js';
import type { RegisterCommand } from './commands.js';

export function checkWeight(weight: number): void {
  if (!(weight >= 0 && weight <= 10000)) {
    throw new InvalidParameterError('instance format invalid: The weights range from 0.0 to 10000.0', 'weight');
  }
}

/** Nacos 2.x's DefaultParamChecker bounds, and its text, on every face. */
export function checkPort(port: number): void {
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new InvalidParameterError("Param 'port' is illegal, the value should be between 0 and 65535.");
  }
}

/** Register and update: names within their bounds and characters, `ip` an address or host name, a port, a sane weight. */
export function checkInstanceCommand(cmd: RegisterCommand, limits: Limits): void {
  checkGroupedName(cmd.serviceName);
  checkNameLengths(limits.nameLengths, {
    namespaceId: cmd.namespaceId,
    serviceName: cmd.serviceName,
    clusterName: cmd.clusterName,
    ip: cmd.ip,
    app: cmd.app,
  });
  checkServiceNameChars(cmd.serviceName);
  checkClusterName(cmd.clusterName);
  checkInstanceHost(cmd.ip);
  checkPort(cmd.port);
  checkWeight(cmd.weight);
}

export function checkMetadataSize(metadata: Metadata, limits: Limits): void {
  let bytes = 0;
  for (const k in metadata) bytes += k.length + (metadata[k]?.length ?? 0) + 6;
  if (bytes > limits.maxMetadataBytes) {
    throw new LimitExceededError(`metadata too large: ${bytes} bytes, the limit is ${limits.maxMetadataBytes}`);
  }
}
