import { InvalidParameterError } from '../errors.js';
import type { Instance } from '../model/instance.js';
import { livenessOf } from '../model/liveness.js';
import type { Switches } from '../switches.js';
import { PreservedKeys, TIMING_OVERRIDE_MAX_MS, TIMING_OVERRIDE_MIN_MS } from '../metadata.js';

/**
 * The next-beat delay a client is given along with 20404, at most. Nacos answers the switch value
 * (5000 by default) there, since it cannot know the instance; so after a server restart every Java
 * client with a shorter timeout went unhealthy before its next beat. Asking it back within a second
 * lets the next reply carry the instance's own interval; a broken client still beats at most 1/s.
 */
export const REREGISTER_BEAT_INTERVAL_MS = 1000;

/** Where an instance's beat interval comes from: its own metadata, its service's default, the server switch. */
export type BeatIntervalSource = 'instance' | 'service' | 'server';

/**
 * The interval an instance is told to beat at, and the one the API shows: its
 * `preserved.heart.beat.interval` (the client's or the operator's) when set, else its service's
 * default (see serviceBeatInterval), else the server switch. A metadata value is held to the
 * operators' bounds (1 s to 1 h): a fleet registering "1" must not beat a thousand times a second
 * (a deviation from Nacos, which echoes any value).
 */
export function effectiveBeatInterval(instance: Instance, switches: Switches): number {
  const fromMetadata = instance.timings.intervalFromMetadata;
  if (fromMetadata !== undefined) return withinIntervalBounds(fromMetadata);
  return serviceBeatInterval(instance) ?? switches.clientBeatInterval;
}

/** Which of the three gives the instance its interval (as effectiveBeatInterval decides). */
export function beatIntervalSource(instance: Instance): BeatIntervalSource {
  if (instance.timings.intervalFromMetadata !== undefined) return 'instance';
  return serviceBeatInterval(instance) === undefined ? 'server' : 'service';
}

/**
 * The service's default interval for an instance without one of its own (a Beacon extension: Nacos
 * ignores a service-level value), within the bounds; not where it would reach the instance's
 * unhealthy timeout, since an instance told to beat less often than that would go unhealthy.
 */
function serviceBeatInterval(instance: Instance): number | undefined {
  // On the beat path: one field read and two comparisons.
  const serviceDefault = instance.service.defaultBeatIntervalMs;
  if (serviceDefault === undefined) return undefined;
  const bounded = withinIntervalBounds(serviceDefault);
  return bounded < instance.timings.timeoutMs ? bounded : undefined;
}

/**
 * An operator's service default interval: whole milliseconds from 1 s to 1 h, and below the
 * unhealthy timeout of every heartbeat instance that would take it (those without their own).
 */
export function checkServiceBeatInterval(value: string, instances: Iterable<Instance>): void {
  const key = PreservedKeys.beatInterval;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= TIMING_OVERRIDE_MIN_MS && n <= TIMING_OVERRIDE_MAX_MS)) {
    throw new InvalidParameterError(
      `the service's ${key} must be a whole number of milliseconds from ${TIMING_OVERRIDE_MIN_MS} to ` +
        `${TIMING_OVERRIDE_MAX_MS} (1 second to 1 hour), got: ${value}`,
    );
  }
  for (const instance of instances) {
    if (livenessOf(instance) !== 'heartbeat' || instance.timings.intervalFromMetadata !== undefined) continue;
    if (n >= instance.timings.timeoutMs) {
      throw new InvalidParameterError(
        `the service's ${key} (${n}) must be less than the unhealthy timeout (${instance.timings.timeoutMs}) ` +
          `of ${instance.ip}:${instance.port}, which has no interval of its own`,
      );
    }
  }
}

/** The interval kept within the bounds an operator's edit must respect, so the two never disagree. */
export function withinIntervalBounds(intervalMs: number): number {
  return Math.min(TIMING_OVERRIDE_MAX_MS, Math.max(TIMING_OVERRIDE_MIN_MS, intervalMs));
}

/** The interval sent with 20404: the switch value, but never more than a second (see above). */
export function reregisterBeatInterval(switches: Switches): number {
  return Math.min(switches.clientBeatInterval, REREGISTER_BEAT_INTERVAL_MS);
}
