import { HttpException, HttpStatus } from '@nestjs/common';
import { checkGroupedName, checkServiceNameChars, toGroupedName } from '@beacon/core';
import type { WatchClient } from './watch-stream.js';

/** A watch request as the HTTP face reads it, before any rule is applied. */
export interface WatchAsk {
  readonly namespaceId: string | undefined;
  /** Comma-separated service names, bare (DEFAULT_GROUP) or grouped. */
  readonly services: string | undefined;
  /** The `Last-Event-ID` header, as received. */
  readonly lastEventId: string | string[] | undefined;
  readonly client: WatchClient;
  /** Who the request's token belongs to, when it carries one. */
  readonly identity: { readonly username: string; readonly expiresAt?: number | undefined } | undefined;
  /** Re-checks the caller's access; undefined when auth is off or the route is public. */
  readonly stillAllowed: (() => boolean) | undefined;
}

/** 429: the server's or the owner's stream cap is reached. */
export class TooManyStreams extends HttpException {
  constructor(message: string) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** The grouped names asked for, each checked; undefined (the whole namespace) when none are. */
export function watchedServices(services: string | undefined): ReadonlySet<string> | undefined {
  const wanted = services
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const grouped = toGroupedName(s, undefined);
      checkGroupedName(grouped);
      checkServiceNameChars(grouped);
      return grouped;
    });
  return wanted && wanted.length > 0 ? new Set(wanted) : undefined;
}

/** Whose streams the cap counts: with auth off everyone is the same anonymous user, so per client IP. */
export function watchOwnerKey(ask: WatchAsk): string {
  return ask.stillAllowed && ask.identity ? `user ${ask.identity.username}` : `client ${ask.client.ip}`;
}
