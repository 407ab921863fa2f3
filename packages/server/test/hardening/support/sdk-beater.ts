import { NamingClient } from '@beacon/sdk';

export interface SdkBeaterOptions {
  readonly port: number;
  readonly serviceName: string;
  readonly ip: string;
  readonly instancePort: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly lightBeats: boolean;
}

/**
 * One instance kept alive by the real SDK (`NamingClient` of @beacon/sdk, its own BeatReactor),
 * one client per instance as separate applications would have, with its events counted.
 */
export class SdkBeater {
  readonly stats = { beats: 0, reregistered: 0, failed: 0 };
  /** The last events as `time event`, for failure messages. */
  readonly history: string[] = [];
  private readonly client: NamingClient;

  constructor(readonly options: SdkBeaterOptions) {
    this.client = new NamingClient({
      serverAddresses: `127.0.0.1:${options.port}`,
      lightBeats: options.lightBeats,
      watch: false,
      udpPush: false,
      requestTimeoutMs: 2_000,
    });
    this.client.on('beat', (e) => {
      this.stats.beats++;
      this.note(`beat ${e.code}${e.light ? ' light' : ''}, next in ${e.intervalMs}`);
    });
    this.client.on('reregistered', () => {
      this.stats.reregistered++;
      this.note('re-registered after 20404');
    });
    this.client.on('beatFailed', (e) => {
      this.stats.failed++;
      this.note(`beat failed (${e.error.message}), retry in ${e.retryInMs}`);
    });
  }

  get key(): string {
    return `${this.options.ip}:${this.options.instancePort}`;
  }

  async start(): Promise<void> {
    const o = this.options;
    await this.client.registerInstance(o.serviceName, { ip: o.ip, port: o.instancePort, metadata: { ...o.metadata } });
  }

  async stop(): Promise<void> {
    await this.client.close();
  }

  private note(event: string): void {
    this.history.push(`${Date.now() % 100_000} ${event}`);
    if (this.history.length > 30) this.history.shift();
  }
}
