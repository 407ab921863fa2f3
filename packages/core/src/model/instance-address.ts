/**
 * Where an instance lives: the value every instance lookup and operator edit is addressed by,
 * in place of five positional arguments.
 */
export interface InstanceAddress {
  readonly namespaceId: string;
  /** Grouped name, `group@@name`. */
  readonly serviceName: string;
  readonly clusterName: string;
  readonly ip: string;
  readonly port: number;
}

/** One string per address, for maps keyed by instance across services. */
export function addressKey(a: InstanceAddress): string {
  return `${a.namespaceId}\u0000${a.serviceName}\u0000${a.clusterName}\u0000${a.ip}:${a.port}`;
}

/** Only the five address fields of a wider object (a command, a record). */
export function toAddress(a: InstanceAddress): InstanceAddress {
  return { namespaceId: a.namespaceId, serviceName: a.serviceName, clusterName: a.clusterName, ip: a.ip, port: a.port };
}
