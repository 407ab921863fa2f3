import type { Instance } from './instance.js';

/**
 * What keeps an instance registered:
 * - `heartbeat`: an ephemeral instance its client beats for (Nacos 1.x); it expires without beats.
 * - `connection`: an ephemeral instance held by a gRPC connection (Nacos 2.x); it goes when the
 *   connection closes, and the beat interval does not apply to it.
 * - `active-check`: a persistent instance the server probes; it stays until deregistered.
 */
export type Liveness = 'heartbeat' | 'connection' | 'active-check';

export function livenessOf(instance: Instance): Liveness {
  if (!instance.ephemeral) return 'active-check';
  return instance.connectionId === undefined ? 'heartbeat' : 'connection';
}
