import { isIPv4 } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { BeaconConfigError } from './config-error.js';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/**
 * The IPv4 address this application registers when none is given. With `preferredNetworks`
 * (CIDR blocks such as `10.0.0.0/8`, or prefixes such as `192.168.`) the first address matching
 * the first entry that matches any wins, loopback included; otherwise, as the Java and Spring
 * clients do, the first non-internal IPv4 address; 127.0.0.1 when the machine has none.
 */
export function detectLocalIp(
  preferredNetworks: readonly string[] = [],
  interfaces: Interfaces = networkInterfaces(),
): string {
  const addresses = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === 'IPv4');
  for (const network of preferredNetworks.map((entry, index) => parseNetwork(entry, index))) {
    const match = addresses.find((a) => network(a.address));
    if (match) return match.address;
  }
  return addresses.find((a) => !a.internal)?.address ?? '127.0.0.1';
}

/** Checks the entries up front, so a bad one fails the start instead of being silently ignored. */
export function checkPreferredNetworks(value: unknown, option = 'preferredNetworks'): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new BeaconConfigError(
      `${option} must be an array such as ['10.0.0.0/8', '192.168.'], got ${JSON.stringify(value)}`,
    );
  }
  value.forEach((entry: unknown, index) => {
    if (typeof entry !== 'string' || entry.trim() === '') {
      throw new BeaconConfigError(
        `${option}[${index}] must be a CIDR block or an address prefix, got ${JSON.stringify(entry)}`,
      );
    }
    parseNetwork(entry, index, option);
  });
  return value as string[];
}

function parseNetwork(entry: string, index = 0, option = 'preferredNetworks'): (address: string) => boolean {
  const text = entry.trim();
  const slash = text.indexOf('/');
  if (slash < 0) return (address) => address.startsWith(text);
  const base = text.slice(0, slash);
  const bits = Number(text.slice(slash + 1));
  if (!isIPv4(base) || !Number.isInteger(bits) || bits < 0 || bits > 32) {
    throw new BeaconConfigError(`${option}[${index}] '${text}' is not an IPv4 CIDR block such as 10.0.0.0/8`);
  }
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  const network = (toNumber(base) & mask) >>> 0;
  return (address) => isIPv4(address) && (toNumber(address) & mask) >>> 0 === network;
}

function toNumber(ipv4: string): number {
  return ipv4.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}
