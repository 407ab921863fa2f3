/** The part of an HTTP response a watch stream writes to (Node's ServerResponse fits). */
export interface WatchSink {
  write(chunk: string): boolean;
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

/** One open `/api/v1/watch` connection: what it watches and how far it has been served. */
export class WatchStream {
  /** Revision up to which this stream has everything; older changes are never sent again. */
  cursor = 0;
  lastWriteAt = 0;
  /** Backlog that gets a stream cut off; raised for a stream whose snapshot alone is larger. */
  backlogLimit: number;
  closed = false;

  constructor(
    readonly namespaceId: string,
    /** Grouped names, or undefined for every service of the namespace. */
    readonly services: ReadonlySet<string> | undefined,
    readonly client: WatchClient,
    private readonly sink: WatchSink,
    backlogLimit: number,
  ) {
    this.backlogLimit = backlogLimit;
  }

  wants(serviceName: string): boolean {
    return this.services === undefined || this.services.has(serviceName);
  }

  get backlog(): number {
    return this.sink.writableLength;
  }

  /**
   * Writes, unless the client has stopped reading: a stream that already had a backlog and now
   * passes its limit is not written to and false is returned, so the caller cuts it off. A stream
   * that keeps up may take one large batch, so memory per stream stays under limit + one batch.
   */
  write(text: string, now: number): boolean {
    if (this.closed) return true;
    const before = this.sink.writableLength;
    if (before > 0 && before + text.length > this.backlogLimit) return false;
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
