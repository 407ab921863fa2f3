import { WatchHttpError, watchRegistry, type Watch, type WatchChange, type WatchSnapshot } from '../admin/watch.js';
import type { Clock, TimerHandle } from './clock.js';
import type { NacosTransport } from './transport.js';

export type WatchMode = 'off' | 'connecting' | 'live' | 'down' | 'unsupported';

export interface WatcherHooks {
  apply(serviceName: string, service: WatchChange['service']): void;
  /** The stream delivers every change of these services, or (undefined) it is not live. */
  setLive(services: ReadonlySet<string> | undefined): void;
  /** The stream resumed after a break: check the services once by other means. */
  resync(): void;
  onMode(mode: WatchMode, error?: unknown): void;
}

export interface WatcherOptions {
  readonly namespace: string;
  readonly fetch: typeof fetch;
  readonly clock: Clock;
  /** Coalesces bursts of new services into one reconnection. */
  readonly restartDelayMs?: number;
  /** How long to wait before asking a server without the stream again (it may be upgraded). */
  readonly reprobeDelayMs?: number;
  readonly idleTimeoutMs?: number;
  readonly maxReconnectDelayMs?: number;
}

/**
 * Beacon's watch stream as the naming client uses it: one connection for all cached services of
 * the namespace, to the transport's current server (so it fails over with it), restarted when
 * the set of services grows. A server without the stream (plain Nacos, older Beacon) is detected
 * by its 404 / 501 and asked again later; meanwhile the client polls.
 */
export class RegistryWatcher {
  private watch: Watch | undefined;
  private services: readonly string[] = [];
  private restartTimer: TimerHandle | undefined;
  private mode: WatchMode = 'off';
  private closed = false;
  /** Only the latest start waits for a login to connect. */
  private loginAttempt = 0;

  constructor(
    private readonly transport: NacosTransport,
    private readonly hooks: WatcherHooks,
    private readonly options: WatcherOptions,
  ) {}

  get current(): WatchMode {
    return this.mode;
  }

  /** Follows exactly these services from now on (reconnecting soon when the set changed). */
  follow(services: readonly string[]): void {
    // A name the server would refuse would make it refuse the whole stream: such services poll.
    const valid = services.filter(watchable);
    if (this.closed || sameList(valid, this.services)) return;
    this.services = valid;
    if (this.mode === 'unsupported') return; // picked up at the next probe
    this.scheduleRestart(this.options.restartDelayMs ?? 50);
  }

  close(): void {
    this.closed = true;
    if (this.restartTimer !== undefined) this.options.clock.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.stopWatch();
    this.setMode('off');
  }

  private scheduleRestart(delayMs: number): void {
    if (this.restartTimer !== undefined) this.options.clock.clearTimeout(this.restartTimer);
    this.restartTimer = this.options.clock.setTimeout(() => {
      this.restartTimer = undefined;
      this.start();
    }, delayMs);
  }

  private start(): void {
    if (this.closed) return;
    const tokens = this.transport.tokens;
    // Log in first: a stream opened without the token would only be refused (401) and retried.
    if (tokens.enabled && tokens.current() === undefined && this.services.length > 0) {
      const attempt = ++this.loginAttempt;
      const connect = () => {
        if (attempt === this.loginAttempt) this.connect();
      };
      void tokens.get(this.transport.current).then(connect, connect);
      return;
    }
    this.connect();
  }

  private connect(): void {
    if (this.closed) return;
    this.stopWatch();
    if (this.services.length === 0) return;
    const services = this.services;
    const server = () => this.transport.current;
    let target = server();
    this.hooks.setLive(undefined);
    this.setMode('connecting');
    const watch = watchRegistry({
      baseUrl: () => (target = server()).origin,
      namespaceId: this.options.namespace,
      services,
      headers: () => this.transport.nativeHeaders(),
      fetch: this.options.fetch,
      idleTimeoutMs: this.options.idleTimeoutMs ?? 60_000,
      maxReconnectDelayMs: this.options.maxReconnectDelayMs ?? 10_000,
      onSnapshot: (snapshot) => this.onSnapshot(watch, snapshot, services),
      onChange: (change) => {
        if (this.watch !== watch) return;
        if (change.namespaceId === this.options.namespace || !change.namespaceId) {
          this.hooks.apply(change.serviceName, change.service);
        }
      },
      onState: (state, error) => {
        if (this.watch !== watch) return;
        // A resumed stream replays what was missed and is live at once; a new one is live after its snapshot.
        if (state === 'open' && watch.lastRevision !== undefined) {
          this.hooks.setLive(new Set(services));
          this.setMode('live');
          this.hooks.resync();
        }
        if (state === 'reconnecting' && error !== undefined) {
          this.hooks.setLive(undefined);
          this.setMode('down', error);
          if (error instanceof WatchHttpError && (error.status === 401 || error.status === 403)) {
            // Log in again before the next attempt.
            this.transport.tokens.invalidate();
            void this.transport.tokens.get(target).catch(() => undefined);
          } else {
            // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a thrown non-Error: its string form is all there is
            this.transport.reportFailure(target, error instanceof Error ? error : new Error(String(error)));
          }
        }
      },
      onUnsupported: () => {
        if (this.watch !== watch) return;
        this.watch = undefined;
        this.hooks.setLive(undefined);
        this.setMode('unsupported');
        this.scheduleRestart(this.options.reprobeDelayMs ?? 300_000);
      },
    });
    this.watch = watch;
  }

  private onSnapshot(watch: Watch, snapshot: WatchSnapshot, services: readonly string[]): void {
    if (this.watch !== watch) return;
    const present = new Map(snapshot.services.map((s) => [`${s.groupName}@@${s.name}`, s]));
    for (const name of services) this.hooks.apply(name, present.get(name) ?? null);
    this.hooks.setLive(new Set(services));
    this.setMode('live');
  }

  private stopWatch(): void {
    const watch = this.watch;
    this.watch = undefined;
    watch?.close();
  }

  private setMode(mode: WatchMode, error?: unknown): void {
    if (mode === this.mode && error === undefined) return;
    const changed = mode !== this.mode;
    this.mode = mode;
    if (changed) this.hooks.onMode(mode, error);
  }
}

/** Nacos's service name rule: `group@@name`, both parts non-empty, only `0-9a-zA-Z@.:_-`. */
function watchable(grouped: string): boolean {
  const at = grouped.indexOf('@@');
  return /^[0-9A-Za-z@.:_-]+$/.test(grouped) && at > 0 && at + 2 < grouped.length;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
