/**
 * What a beat does to the health of the ephemeral instance it is for, the one rule of both modes:
 * an unhealthy instance is healthy again, unless it is marked (Nacos's legacy flag that pins its
 * health). Embedded, BeatProcessor applies it to the registry. In a cluster the health that counts
 * is Redis's, which other nodes' beats and expiry change too, so Redis applies this same rule to
 * its own record, inside the batched beat (the server's BEATS script is built from it).
 */
export function healthAfterBeat(healthy: boolean, marked: boolean): boolean {
  return healthy || !marked;
}
