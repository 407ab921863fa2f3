import { Agent, request } from 'node:http';
import { formOf } from './raw-http.js';

export interface BeatingClientOptions {
  readonly port: number;
  readonly namespaceId?: string;
  /** Bare service name; the client sends it grouped, as the Java client does. */
  readonly serviceName: string;
  readonly groupName?: string;
  readonly clusterName?: string;
  readonly ip: string;
  readonly instancePort: number;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Java >= 1.2: light beats once the server says `lightBeatEnabled`. Otherwise always the full `beat` JSON. */
  readonly lightBeats?: boolean;
  /** Whether the n-th beat (from 1) is silently skipped, as if lost on the way. */
  readonly drop?: (beatNo: number) => boolean;
  /** How long one request may take before it counts as failed. */
  readonly requestTimeoutMs?: number;
}

export interface BeatStats {
  sent: number;
  ok: number;
  notFound: number;
  failed: number;
  dropped: number;
  registrations: number;
  lastOkAt: number;
}

/**
 * A beating client that behaves like the Nacos Java client's BeatReactor: register, then beat
 * every interval (first the instance's `preserved.heart.beat.interval`, then whatever
 * `clientBeatInterval` the server answers), each beat scheduled when the previous one finished;
 * PUT /instance/beat with the `beat` JSON as a form field (or a light beat), and a re-register
 * on 20404. Failures keep the period, so the client keeps knocking while the server is down.
 */
export class BeatingClient {
  readonly stats: BeatStats = { sent: 0, ok: 0, notFound: 0, failed: 0, dropped: 0, registrations: 0, lastOkAt: 0 };
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private period: number;
  private lightBeatEnabled = false;
  private beatNo = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<void> = Promise.resolve();
  /** The last requests as `time kind result`, for failure messages. */
  readonly history: string[] = [];

  constructor(readonly options: BeatingClientOptions) {
    this.period = Number(options.metadata?.['preserved.heart.beat.interval'] ?? 5000);
  }

  get groupedName(): string {
    return `${this.options.groupName ?? 'DEFAULT_GROUP'}@@${this.options.serviceName}`;
  }

  get key(): string {
    return `${this.options.ip}:${this.options.instancePort}`;
  }

  /** Registers (retrying until the server takes it), then beats until stopped. */
  async start(): Promise<void> {
    this.running = true;
    for (;;) {
      if (await this.register()) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.inFlight;
    this.agent.destroy();
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.beatOnce().finally(() => this.schedule());
    }, this.period);
  }

  private async beatOnce(): Promise<void> {
    this.beatNo++;
    if (this.options.drop?.(this.beatNo)) {
      this.stats.dropped++;
      return;
    }
    const o = this.options;
    const light = o.lightBeats === true && this.lightBeatEnabled;
    const query = formOf([
      ['namespaceId', o.namespaceId ?? 'public'],
      ['serviceName', this.groupedName],
      ['clusterName', o.clusterName ?? 'DEFAULT'],
      ['ip', o.ip],
      ['port', String(o.instancePort)],
    ]);
    const beat = JSON.stringify({
      port: o.instancePort,
      ip: o.ip,
      weight: 1.0,
      serviceName: this.groupedName,
      cluster: o.clusterName ?? 'DEFAULT',
      metadata: o.metadata ?? {},
      scheduled: false,
      period: this.period,
      stopped: false,
    });
    this.stats.sent++;
    try {
      const res = await this.call(
        'PUT',
        `/nacos/v1/ns/instance/beat?${query}`,
        light ? undefined : formOf([['beat', beat]]),
      );
      if (res.status !== 200) throw new Error(`beat: ${res.status} ${res.body}`);
      const reply = JSON.parse(res.body) as { clientBeatInterval?: number; code?: number; lightBeatEnabled?: boolean };
      if (typeof reply.clientBeatInterval === 'number' && reply.clientBeatInterval > 0) {
        this.period = reply.clientBeatInterval;
      }
      this.lightBeatEnabled = reply.lightBeatEnabled === true;
      this.note(`beat${light ? '(light)' : ''} ${reply.code}`);
      if (reply.code === 20404) {
        this.stats.notFound++;
        await this.register();
      } else {
        this.stats.ok++;
        this.stats.lastOkAt = Date.now();
      }
    } catch (error) {
      this.stats.failed++;
      this.note(`beat failed: ${(error as Error).message}`);
    }
  }

  private note(event: string): void {
    this.history.push(`${Date.now() % 100_000} ${event}`);
    if (this.history.length > 30) this.history.shift();
  }

  private async register(): Promise<boolean> {
    const o = this.options;
    const query = formOf([
      ['namespaceId', o.namespaceId ?? 'public'],
      ['serviceName', this.groupedName],
      ['groupName', o.groupName ?? 'DEFAULT_GROUP'],
      ['clusterName', o.clusterName ?? 'DEFAULT'],
      ['ip', o.ip],
      ['port', String(o.instancePort)],
      ['weight', '1.0'],
      ['enable', 'true'],
      ['healthy', 'true'],
      ['ephemeral', 'true'],
      ['metadata', JSON.stringify(o.metadata ?? {})],
      ['app', 'hardening'],
    ]);
    try {
      const res = await this.call('POST', `/nacos/v1/ns/instance?${query}`);
      if (res.status === 200 && res.body === 'ok') {
        this.stats.registrations++;
        this.note('registered');
        this.stats.lastOkAt = Date.now();
        return true;
      }
    } catch {
      // the server is away; the beat loop tries again
    }
    return false;
  }

  private call(method: string, path: string, form?: string): Promise<{ status: number; body: string }> {
    const timeoutMs = this.options.requestTimeoutMs ?? 10_000;
    const headers: Record<string, string> = { 'user-agent': 'Nacos-Java-Client:v1.4.1', 'client-version': '1.4.1' };
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    return new Promise((resolve, reject) => {
      const r = request(
        { host: '127.0.0.1', port: this.options.port, method, path, headers, agent: this.agent },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
        },
      );
      r.setTimeout(timeoutMs, () => r.destroy(new Error('timeout')));
      r.on('error', reject);
      r.end(form);
    });
  }
}
