import pg from 'pg';

const CONNECT_TIMEOUT_MS = 3000;
const RECONNECT_DELAY_MS = 500;

/**
 * LISTEN on a PostgreSQL channel over a connection of its own (a pooled one cannot hold it).
 * When that connection drops it reconnects by itself, every 500 ms until it succeeds, and then
 * calls `resubscribed`: notifications sent while it was away are lost, the caller reloads.
 */
export class PostgresNotifications {
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Said once per outage, not at every attempt. */
  private reported = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly notified: (payload: string) => void,
    private readonly resubscribed: () => void,
    private readonly report: (error: unknown) => void,
  ) {}

  /** The first subscription: fails (throws) when PostgreSQL cannot be reached. */
  async start(): Promise<void> {
    if (await this.subscribe()) return;
    await this.stop();
    throw new Error(`cannot LISTEN on ${this.channel}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private async subscribe(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    let gone = false;
    const lost = (error: unknown) => {
      if (gone) return;
      gone = true;
      client.end().catch(() => undefined);
      if (this.client === client) this.client = undefined;
      if (this.stopped) return;
      if (!this.reported) this.report(error);
      this.reported = true;
      this.retry = setTimeout(() => void this.resubscribe(), RECONNECT_DELAY_MS);
      this.retry.unref();
    };
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.notified(message.payload ?? '');
    });
    client.on('error', lost);
    client.on('end', () => lost(new Error('the LISTEN connection to PostgreSQL closed')));
    try {
      await client.connect();
      // The channel is ours, not a client's: a constant identifier.
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      lost(error);
      return false;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return false;
    }
    this.client = client;
    this.reported = false;
    return true;
  }

  private async resubscribe(): Promise<void> {
    if (!this.stopped && (await this.subscribe())) this.resubscribed();
  }
}
