import type { Instance } from './types.js';

/** Instances an application may call: the requested health, enabled, and a weight above zero (as every Nacos client filters). */
export function selectable(hosts: readonly Instance[], healthy: boolean): Instance[] {
  return hosts.filter((h) => h.healthy === healthy && h.enabled && h.weight > 0);
}

/**
 * Weighted random choice (the Java client's `Balancer.getHostByRandomWeight`): each instance is
 * picked with probability weight / total weight. Undefined when there is nothing to pick.
 */
export function pickByWeight(hosts: readonly Instance[], random: () => number = Math.random): Instance | undefined {
  let total = 0;
  for (const h of hosts) total += h.weight > 0 && Number.isFinite(h.weight) ? h.weight : 0;
  if (total <= 0) return undefined;
  let point = random() * total;
  let last: Instance | undefined;
  for (const h of hosts) {
    if (!(h.weight > 0) || !Number.isFinite(h.weight)) continue;
    last = h;
    point -= h.weight;
    if (point < 0) return h;
  }
  // Floating-point rounding at the very top of the range.
  return last;
}
