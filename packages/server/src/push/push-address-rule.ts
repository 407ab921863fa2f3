import { isIPv4 } from 'node:net';
import { type AddressList, unmapped } from '../net/address-list.js';

/**
 * Where UDP pushes for a `/instance/list` poll may go. Only to the address the request came from:
 * a `clientIP` naming another host would let anyone aim the server's pushes at a third party
 * (reflection, with each small poll answered by every later change). A different `clientIP` is
 * taken only from a trusted proxy, which forwards for the client it names. A client that states
 * its LAN address while it reaches us over another one (NAT, loopback) still gets its pushes, at
 * the address they can actually reach.
 */
export class PushAddressRule {
  constructor(private readonly trustedProxies: AddressList) {}

  /** The IPv4 address to push to, or undefined when the caller can only poll (the socket is udp4). */
  targetOf(sourceAddress: string, clientIP: string | undefined): string | undefined {
    const source = unmapped(sourceAddress);
    const target = clientIP !== undefined && this.trustedProxies.has(source) ? clientIP : source;
    return isIPv4(target) ? target : undefined;
  }
}
