import type { AccessDirectory } from '../auth/access-directory.js';
import type { Authenticator } from '../auth/authenticator.js';
import { nacosDenialMessage } from '../auth/denial.js';
import { formatResource, serviceResource, type Action, type NamingResource } from '../auth/resource.js';
import { headerOf, type Message } from './payload.js';

/**
 * Auth exactly as on HTTP: the client logs in over HTTP and sends the token as the `accessToken`
 * header of every payload; the same per-namespace/group/service permissions apply.
 */
export class GrpcAccess {
  constructor(
    private readonly enabled: boolean,
    private readonly authenticator: Authenticator,
    private readonly directory: AccessDirectory,
  ) {}

  /**
   * Whether pushes of a service may still go to a connection whose latest credentials are this
   * token: `expired` when the token has run out (the client holds a fresh one by now).
   */
  readRight(token: string | undefined, namespaceId: string, serviceName: string): 'allowed' | 'denied' | 'expired' {
    if (!this.enabled) return 'allowed';
    if (token === undefined || token === '') return 'denied';
    const result = this.authenticator.byToken(token);
    if (!result.ok) return result.failure.kind === 'token-expired' ? 'expired' : 'denied';
    return this.directory.allows(result.identity.username, serviceResource(namespaceId, serviceName), 'r')
      ? 'allowed'
      : 'denied';
  }

  /** Undefined when the request may proceed; otherwise why not, in Nacos's words. */
  refusal(message: Message, resource: NamingResource, action: Action): string | undefined {
    if (!this.enabled) return undefined;
    const token = headerOf(message, 'accessToken');
    if (token === undefined || token === '') return nacosDenialMessage({ kind: 'no-credentials' });
    const result = this.authenticator.byToken(token);
    if (!result.ok) return nacosDenialMessage(result.failure);
    const { username } = result.identity;
    if (this.directory.allows(username, resource, action)) return undefined;
    const verb = action === 'r' ? 'read' : 'write';
    return nacosDenialMessage({ kind: 'forbidden', detail: `${username} may not ${verb} ${formatResource(resource)}` });
  }
}
