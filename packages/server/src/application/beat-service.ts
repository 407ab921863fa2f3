import type { BeatCommand, BeatReply } from '@beacon/core';
import type { BeatHandler } from './state-backend.js';

/**
 * The heartbeat use case: a direct synchronous call into the state backend's beat, which in
 * embedded mode is core's BeatProcessor itself (it decides re-registration by a full beat, the
 * 20404 interval, the interval of the reply). The beat is the hot path, so nothing may be added
 * here that scans, logs or awaits.
 */
export class BeatService {
  constructor(private readonly beats: BeatHandler) {}

  beat(cmd: BeatCommand): BeatReply {
    return this.beats.beat(cmd);
  }
}
