import { isIPv4 } from 'node:net';
import { atLeast, type ClientInfo } from '../wire/client-info.js';

/** PushService.canEnablePush: the minimum versions of the switch defaults; unknown UAs never. */
export function canReceivePush(client: ClientInfo): boolean {
  switch (client.type) {
    case 'JAVA':
    case 'GO':
      return atLeast(client, 0, 1, 0);
    case 'C':
      return atLeast(client, 1, 0, 12);
    case 'CSHARP':
      return atLeast(client, 0, 9, 0);
    case 'DNS':
      return atLeast(client, 0, 4, 3);
    default:
      return false;
  }
}

/**
 * Whether a caller may become a UDP push target: a port a datagram can go to (65536 made the
 * socket throw, which cut the push short for every later subscriber of the service) and an IPv4
 * literal (the push socket is udp4; a name would be looked up in DNS at every push). Otherwise the
 * caller simply polls, as Nacos falls back when it cannot add a push client.
 */
export function isPushAddress(ip: string, port: number): boolean {
  return port > 0 && port <= 65535 && isIPv4(ip);
}
