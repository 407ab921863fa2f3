import type { Instance } from '../model/instance.js';
import type { Switches } from '../switches.js';
import { TIMING_OVERRIDE_MAX_MS, TIMING_OVERRIDE_MIN_MS } from '../metadata.js';

/**
 * The next-beat delay a client is given along with 20404, at most. Nacos answers the switch value
 * (5000 by default) there, since it cannot know the instance; so after a server restart every Java
 * client with a shorter timeout went unhealthy before its next beat. Asking it back within a second
 * lets the next reply carry the instance's own interval; a broken client still beats at most 1/s.
 */
export const REREGISTER_BEAT_INTERVAL_MS = 1000;

/**
 * The interval an instance is told to beat at, and the one the API shows: its
 * `preserved.heart.beat.interval` (the client's or the operator's) when set, else the server switch.
 * A metadata value is held to the operators' bounds (1 s to 1 h): a fleet registering "1" must not
 * beat a thousand times a second (a deviation from Nacos, which echoes any value).
 */
export function effectiveBeatInterval(instance: Instance, switches: Switches): number {
  const fromMetadata = instance.timings.intervalFromMetadata;
  return fromMetadata === undefined ? switches.clientBeatInterval : withinIntervalBounds(fromMetadata);
}

/** The interval kept within the bounds an operator's edit must respect, so the two never disagree. */
export function withinIntervalBounds(intervalMs: number): number {
  return Math.min(TIMING_OVERRIDE_MAX_MS, Math.max(TIMING_OVERRIDE_MIN_MS, intervalMs));
}

/** The interval sent with 20404: the switch value, but never more than a second (see above). */
export function reregisterBeatInterval(switches: Switches): number {
  return Math.min(switches.clientBeatInterval, REREGISTER_BEAT_INTERVAL_MS);
}
