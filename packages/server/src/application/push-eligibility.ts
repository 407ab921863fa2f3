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
