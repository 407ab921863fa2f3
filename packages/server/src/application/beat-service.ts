import { BEAT_NOT_FOUND, type BeatCommand, type BeatProcessor, type BeatReply } from '@beacon/core';

/** The next-beat delay a client is given along with 20404 (see `beat`). */
export const REREGISTER_BEAT_INTERVAL_MS = 1000;

/**
 * The heartbeat use case. It stays a direct call into core's BeatProcessor: the beat is the hot
 * path, so nothing here may scan, log or await.
 */
export class BeatService {
  constructor(private readonly processor: BeatProcessor) {}

  /**
   * On 20404 the client re-registers, then waits `clientBeatInterval` before its next beat. Nacos
   * says 5000 there (it cannot know the instance), so after a server restart every Java client
   * with a shorter timeout went unhealthy before its next beat. Asking it back within a second
   * lets the next reply carry the instance's own interval; a broken client still beats at most 1/s.
   */
  beat(cmd: BeatCommand): BeatReply {
    const reply = this.processor.beat(cmd);
    if (reply.code !== BEAT_NOT_FOUND) return reply;
    return { ...reply, clientBeatInterval: Math.min(reply.clientBeatInterval, REREGISTER_BEAT_INTERVAL_MS) };
  }
}
