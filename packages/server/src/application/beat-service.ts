import type { BeatCommand, BeatReply } from '@beacon/core';
import type { StateBackend } from './state-backend.js';

/**
 * The heartbeat use case: a direct synchronous call into the state backend's beat, which in
 * embedded mode is core's BeatProcessor itself (it decides re-registration by a full beat, the
 * 20404 interval, the interval of the reply). The beat is the hot path, so nothing may be added
 * here that scans, logs or awaits.
 */
export class BeatService {
  private readonly beats: StateBackend['beat'];

  constructor(backend: Pick<StateBackend, 'beat'>) {
    this.beats = backend.beat;
  }

  beat(cmd: BeatCommand): BeatReply {
    return this.beats(cmd);
  }
}
