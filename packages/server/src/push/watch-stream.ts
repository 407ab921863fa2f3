/** The part of an HTTP response a watch stream writes to (Node's ServerResponse fits). */
export interface WatchSink {
  write(chunk: string | Uint8Array): boolean;
  end(): void;
  destroy(): void;
  /** Bytes accepted but not yet handed to the kernel: the stream's unsent backlog. */
  readonly writableLength: number;
}

export interface WatchClient {
  readonly ip: string;
  readonly port: number;
  readonly agent: string;
}

/** Who opened a stream, for the caps and for closing it when their access ends. */
export interface WatchOwner {
  /** What the per-user cap counts: the user with auth on, the client IP with auth off. */
  readonly key: string;
  /** When the credentials expire (ms since the epoch), if they do. */
  readonly expiresAt: number | undefined;
  /** Whether the credentials still grant the stream; undefined when nothing can revoke it. */
  readonly stillAllowed: (() => boolean) | undefined;
}

/** One open `/api/v1/watch` connection: what it watches and how far it has been served. */
export class WatchStream {
  /** Revision up to which this stream has everything; older changes are never sent again. */
  cursor = 0;
  lastWriteAt = 0;
  /** Backlog that gets the stream cut off: the configured limit, or twice its last snapshot or replay if larger. */
  backlogLimit: number;
  closed = false;
  /** Streams watching the same thing share one snapshot when several need one at once. */
  readonly snapshotKey: string;

  constructor(
    readonly namespaceId: string,
    /** Grouped names, or undefined for every service of the namespace. */
    readonly services: ReadonlySet<string> | undefined,
    readonly client: WatchClient,
    readonly owner: WatchOwner,
    private readonly sink: WatchSink,
    private readonly configuredLimit: number,
  ) {
    this.backlogLimit = configuredLimit;
    this.snapshotKey = services === undefined ? '*' : [...services].sort().join(',');
  }

  /** A stream just sent this much at once (a snapshot, a replay) must have time to read it. */
  allowDraining(bytes: number): void {
    this.backlogLimit = Math.max(this.configuredLimit, 2 * bytes);
  }

  wants(serviceName: string): boolean {
    return this.services === undefined || this.services.has(serviceName);
  }

  get backlog(): number {
    return this.sink.writableLength;
  }

  /**
   * Writes, unless the client has stopped reading: when what is still unsent from earlier writes
   * passes the limit, nothing is written and false is returned, so the caller cuts the stream off.
   * Slow is judged by what is unsent, never by the size of what is about to be written.
   */
  write(text: string | Uint8Array, now: number): boolean {
    if (this.closed) return true;
    if (this.sink.writableLength > this.backlogLimit) return false;
    this.sink.write(text);
    this.lastWriteAt = now;
    return true;
  }

  close(destroy: boolean): void {
    if (this.closed) return;
    this.closed = true;
    if (destroy) this.sink.destroy();
    else this.sink.end();
  }
}
