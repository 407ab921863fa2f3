import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { AddressList } from '../net/address-list.js';

export type ProbeAddress =
  { readonly ok: true; readonly address: string } | { readonly ok: false; readonly reason: string };

/**
 * Where an active health check may go. A host name is resolved once per probe and the probe then
 * connects to that very address, so the check below is the check of the connection (no second
 * lookup to rebind). Denied addresses are never contacted; an allow list, when set, is exhaustive.
 */
export class ProbeTargetPolicy {
  constructor(
    private readonly allow: AddressList,
    private readonly deny: AddressList,
  ) {}

  async resolve(host: string): Promise<ProbeAddress> {
    let address = host;
    if (isIP(host) === 0) {
      try {
        address = (await lookup(host, { verbatim: true })).address;
      } catch {
        return { ok: false, reason: `${host} does not resolve` };
      }
    }
    if (this.deny.has(address)) return { ok: false, reason: `${address} is in BEACON_HEALTH_CHECK_DENY` };
    if (!this.allow.isEmpty && !this.allow.has(address)) {
      return { ok: false, reason: `${address} is not in BEACON_HEALTH_CHECK_ALLOW` };
    }
    return { ok: true, address };
  }
}
