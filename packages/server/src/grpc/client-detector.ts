import type { Connections } from './connections.js';

export interface DetectorOptions {
  /** A connection silent this long is asked whether it is still there. */
  readonly idleMs: number;
  /** No answer within this closes it. */
  readonly answerTimeoutMs: number;
  readonly now: () => number;
}

/**
 * Nacos's client detection: a client that has said nothing for the idle time gets a
 * ClientDetectionRequest; one that does not answer in time is closed, which removes its
 * instances. Clients that send health checks (every 5 s for most SDKs) are never asked.
 */
export class ClientDetector {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly connections: Connections,
    private readonly options: DetectorOptions,
  ) {}

  start(): void {
    // A quarter of the idle time between sweeps: a dead client is found within 1.25x idle + timeout.
    const every = Math.max(50, Math.min(1000, Math.floor(this.options.idleMs / 4)));
    this.timer ??= setInterval(() => this.sweep(), every).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass over the open connections. */
  sweep(): void {
    const now = this.options.now();
    for (const connection of this.connections.all()) {
      if (connection.probing || now - connection.lastActiveAt < this.options.idleMs) continue;
      connection.probing = true;
      const askedAt = this.options.now();
      void connection
        .request('ClientDetectionRequest', { module: 'internal' }, this.options.answerTimeoutMs)
        .then((answered) => {
          if (answered) {
            connection.probing = false;
            connection.lastActiveAt = this.options.now();
            return;
          }
          // A busy server runs the timeout before reading sockets that are already readable: let
          // one round of I/O through first, so an answer (or anything) already sent still counts.
          setImmediate(() => {
            connection.probing = false;
            if (connection.lastActiveAt <= askedAt) this.connections.remove(connection);
          });
        });
    }
  }
}
