import { networkInterfaces } from 'node:os';
import type { ServerAddress } from './options.js';

/**
 * The address servers push UDP to: loopback when every server is on this machine (they reach us
 * there, and tests never leave the host), else the first non-internal IPv4, as the Java and Node
 * clients choose it.
 */
export function defaultClientIP(servers: readonly ServerAddress[]): string {
  if (servers.every((s) => isLoopback(s.host))) return '127.0.0.1';
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.family === 'IPv4' && !a.internal) return a.address;
    }
  }
  return '127.0.0.1';
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host === '::1';
}
