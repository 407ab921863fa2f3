import type { BeatCommand, BeatProcessor, BeatReply } from '@beacon/core';

/**
 * The heartbeat use case: a direct call into core's BeatProcessor, which decides everything
 * (re-registration by a full beat, the 20404 interval, the interval of the reply). The beat is the
 * hot path, so nothing may be added here that scans, logs or awaits.
 */
export class BeatService {
  constructor(private readonly processor: BeatProcessor) {}

  beat(cmd: BeatCommand): BeatReply {
    return this.processor.beat(cmd);
  }
}
