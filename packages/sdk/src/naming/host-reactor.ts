import { backoffDelay } from './backoff.js';
import type { Clock, TimerHandle } from './clock.js';
import { diffInstances } from './diff.js';
import type { Emit } from './events.js';
import type { ListQuery } from './nacos-api.js';
import type { ServiceName } from './names.js';
import type { ServiceInfo } from './service-info.js';
import type { SnapshotStore } from './snapshot-store.js';
import type { Instance, ServiceChangeEvent, ServiceListener, UpdateSource } from './types.js';
import { hostsFromDetail, type ServiceDetail } from './watch-hosts.js';

/** When the server gave no cacheMillis and the application none either. */
const DEFAULT_POLL_MS = 10_000;
const RETRY_BASE_MS = 1000;

export interface HostEvents {
  /** A cached service's list changed (also fired for services nobody subscribed to). */
  serviceChanged: ServiceChangeEvent;
  /** A refresh failed; the cached list stays and the next try is in `retryInMs`. */
  refreshFailed: { serviceName: string; clusters: readonly string[]; error: Error; retryInMs: number };
  /** Push-empty protection kept the last non-empty list instead of an empty one. */
  emptyListIgnored: { serviceName: string; clusters: readonly string[]; source: UpdateSource };
  listenerError: { event: string; error: unknown };
}

/** What the reactor needs from the server. */
export interface ListPort {
  queryList(serviceName: string, q: ListQuery): Promise<ServiceInfo>;
}

export interface HostReactorOptions {
  readonly namespace: string;
  /** Fixed polling period; else the server's cacheMillis. */
  readonly cacheMillis: number | undefined;
  readonly maxRetryDelayMs: number;
  readonly pushEmptyProtection: boolean;
  readonly random: () => number;
}

interface Entry {
  readonly key: string;
  readonly name: ServiceName;
  readonly clusters: readonly string[];
  /** The `clusters` parameter as sent and echoed: sorted, comma-joined. */
  readonly clustersText: string;
  info: ServiceInfo | undefined;
  source: UpdateSource;
  readonly listeners: Set<ServiceListener>;
  timer: TimerHandle | undefined;
  failures: number;
  loading: Promise<void> | undefined;
  /** Bumped by every watch or push update; a poll answer that started before one is stale. */
  generation: number;
}

/**
 * The client's service cache, HostReactor in the Java client (docs/nacos-protocol.md §6): every
 * service the application reads or subscribes to is cached and kept up to date by whichever
 * source works: the watch stream (Beacon), else polling every cacheMillis with UDP pushes in
 * between (plain Nacos). Failed refreshes keep the cached list and retry with capped backoff;
 * snapshots on disk stand in when nothing was cached and no server answers. Listeners get the
 * whole list and what was added, removed and modified.
 */
export class HostReactor {
  private readonly entries = new Map<string, Entry>();
  private watched: ReadonlySet<string> | undefined;
  private closed = false;

  constructor(
    private readonly api: ListPort,
    private readonly clock: Clock,
    private readonly emit: Emit<HostEvents>,
    private readonly options: HostReactorOptions,
    /** UDP push parameters for a poll, when push is on and the watch is not. */
    private readonly pushParams: () => Promise<{ udpPort: number; clientIP: string } | undefined>,
    private readonly snapshots: SnapshotStore | undefined,
    /** Called when a service is cached for the first time (the watch follows the set). */
    private readonly onNewService: () => void = () => {},
  ) {}

  /** The cached list, loading it (from a server, else a snapshot) on first use. */
  async getHosts(name: ServiceName, clusters: readonly string[]): Promise<readonly Instance[]> {
    const entry = this.ensure(name, clusters);
    if (entry.info) return entry.info.hosts;
    await this.load(entry);
    return entry.info!.hosts;
  }

  /** A server's answer now, not the cache; the cache (then a snapshot) only when no server answers. */
  async queryNow(name: ServiceName, clusters: readonly string[]): Promise<readonly Instance[]> {
    const clustersText = clusters.join(',');
    try {
      return (await this.api.queryList(name.grouped, { clusters: clustersText })).hosts;
    } catch (error) {
      const cached = this.entries.get(keyOf(name.grouped, clustersText))?.info;
      if (cached) return cached.hosts;
      const snapshot = await this.snapshots?.load(keyOf(name.grouped, clustersText));
      if (snapshot) return snapshot.hosts;
      throw error;
    }
  }

  /**
   * Adds a listener; it receives the current list at once when one is cached, else as soon as
   * one arrives. Never rejects for an unreachable server: the subscription stays and delivers when
   * the server answers (`refreshFailed` reports the wait).
   */
  async subscribe(name: ServiceName, clusters: readonly string[], listener: ServiceListener): Promise<void> {
    const entry = this.ensure(name, clusters);
    if (entry.listeners.has(listener)) return;
    entry.listeners.add(listener);
    if (entry.info) {
      this.notifyOne(entry, listener, entry.info.hosts, entry.source);
      return;
    }
    try {
      await this.load(entry);
    } catch {
      // reported as refreshFailed; the listener is called once data arrives
    }
  }

  unsubscribe(name: ServiceName, clusters: readonly string[], listener: ServiceListener): boolean {
    const entry = this.entries.get(keyOf(name.grouped, clusters.join(',')));
    return entry ? entry.listeners.delete(listener) : false;
  }

  /** Grouped names of every cached service, for the watch stream. */
  serviceNames(): string[] {
    return [...new Set([...this.entries.values()].map((e) => e.name.grouped))].sort();
  }

  /**
   * While the watch stream is live, polls of the services it follows are skipped: it delivers
   * every change. `undefined`: not live, everything polls.
   */
  setWatched(services: ReadonlySet<string> | undefined): void {
    this.watched = services;
  }

  private isWatched(entry: Entry): boolean {
    return this.watched?.has(entry.name.grouped) ?? false;
  }

  /** A service's state from the watch stream (`null`: the service does not exist). */
  applyWatch(groupedName: string, detail: ServiceDetail | null): void {
    for (const entry of this.entries.values()) {
      if (entry.name.grouped !== groupedName) continue;
      entry.generation++;
      this.apply(entry, { ...baseInfo(entry), hosts: hostsFromDetail(detail, entry.clusters) }, 'watch');
    }
  }

  /**
   * Reads every cached service once from a server, now. After the watch stream resumed: a resumed
   * stream replays changes by revision number, and a server that restarted meanwhile numbers its
   * changes anew, so a replay alone could miss some. Answers overtaken by a stream update are dropped.
   */
  resync(): void {
    for (const entry of this.entries.values()) {
      if (entry.loading || !entry.info) continue;
      const generation = entry.generation;
      void this.api.queryList(entry.name.grouped, { clusters: entry.clustersText }).then(
        (info) => {
          if (entry.generation === generation) this.apply(entry, info, 'query');
        },
        () => undefined, // the stream and the pollers carry on; nothing is lost by skipping one check
      );
    }
  }

  /** A ServiceInfo pushed over UDP, for the service and cluster list it names. */
  applyPush(info: ServiceInfo): boolean {
    const entry = this.entries.get(keyOf(info.name, info.clusters));
    if (!entry) return false;
    entry.generation++;
    this.apply(entry, info, 'push');
    return true;
  }

  /** Every cached list, for a UDP `dump` request. */
  dump(): Record<string, ServiceInfo> {
    const all: Record<string, ServiceInfo> = {};
    for (const e of this.entries.values()) if (e.info) all[e.key] = e.info;
    return all;
  }

  close(): void {
    this.closed = true;
    for (const entry of this.entries.values()) {
      if (entry.timer !== undefined) this.clock.clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.listeners.clear();
    }
  }

  private ensure(name: ServiceName, clusters: readonly string[]): Entry {
    const clustersText = clusters.join(',');
    const key = keyOf(name.grouped, clustersText);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        key,
        name,
        clusters,
        clustersText,
        info: undefined,
        source: 'query',
        listeners: new Set(),
        timer: undefined,
        failures: 0,
        loading: undefined,
        generation: 0,
      };
      this.entries.set(key, entry);
      const isNewService = ![...this.entries.values()].some((e) => e !== entry && e.name.grouped === name.grouped);
      if (isNewService) this.onNewService();
    }
    return entry;
  }

  /** First load of an entry; concurrent callers share it. Starts the entry's refresh schedule either way. */
  private load(entry: Entry): Promise<void> {
    entry.loading ??= this.firstLoad(entry).finally(() => {
      entry.loading = undefined;
    });
    return entry.loading;
  }

  private async firstLoad(entry: Entry): Promise<void> {
    const generation = entry.generation;
    try {
      const info = await this.fetch(entry);
      if (entry.generation === generation) this.apply(entry, info, 'query');
      entry.failures = 0;
      this.scheduleRefresh(entry, this.pollDelay(entry));
    } catch (error) {
      const snapshot = entry.info ? undefined : await this.snapshots?.load(entry.key);
      if (snapshot && !entry.info) this.apply(entry, snapshot, 'snapshot');
      this.refreshFailed(entry, error);
      if (!entry.info) throw error;
    }
  }

  private async refresh(entry: Entry): Promise<void> {
    if (this.closed) return;
    if (this.isWatched(entry)) {
      this.scheduleRefresh(entry, this.pollDelay(entry));
      return;
    }
    const generation = entry.generation;
    try {
      const info = await this.fetch(entry);
      if (this.closed) return;
      // A push or watch update arrived meanwhile: it is at least as new as this answer.
      if (entry.generation === generation) this.apply(entry, info, 'poll');
      entry.failures = 0;
      this.scheduleRefresh(entry, this.pollDelay(entry));
    } catch (error) {
      if (this.closed) return;
      this.refreshFailed(entry, error);
    }
  }

  private async fetch(entry: Entry): Promise<ServiceInfo> {
    const push = this.isWatched(entry) ? undefined : await this.pushParams().catch(() => undefined);
    return this.api.queryList(entry.name.grouped, { clusters: entry.clustersText, ...push });
  }

  private refreshFailed(entry: Entry, error: unknown): void {
    if (this.closed) return;
    entry.failures++;
    const poll = this.pollDelay(entry);
    const retryInMs = backoffDelay(
      { baseMs: Math.min(RETRY_BASE_MS, poll), maxMs: Math.max(poll, this.options.maxRetryDelayMs) },
      entry.failures,
      this.options.random,
    );
    this.scheduleRefresh(entry, retryInMs);
    this.emit('refreshFailed', {
      serviceName: entry.name.grouped,
      clusters: entry.clusters,
      error: error instanceof Error ? error : new Error(String(error)),
      retryInMs,
    });
  }

  private scheduleRefresh(entry: Entry, delayMs: number): void {
    if (this.closed) return;
    if (entry.timer !== undefined) this.clock.clearTimeout(entry.timer);
    entry.timer = this.clock.setTimeout(() => {
      entry.timer = undefined;
      void this.refresh(entry);
    }, delayMs);
  }

  private pollDelay(entry: Entry): number {
    return this.options.cacheMillis ?? entry.info?.cacheMillis ?? DEFAULT_POLL_MS;
  }

  private apply(entry: Entry, info: ServiceInfo, source: UpdateSource): void {
    if (this.closed) return;
    const previous = entry.info;
    if (
      this.options.pushEmptyProtection &&
      info.hosts.length === 0 &&
      previous !== undefined &&
      previous.hosts.length > 0
    ) {
      this.emit('emptyListIgnored', { serviceName: entry.name.grouped, clusters: entry.clusters, source });
      return;
    }
    const diff = diffInstances(previous?.hosts ?? [], info.hosts);
    entry.info = { ...info, name: entry.name.grouped, clusters: entry.clustersText };
    if (previous !== undefined && !diff.changed) return;
    entry.source = source;
    if (source !== 'snapshot') this.snapshots?.save(entry.key, entry.info);
    const event: ServiceChangeEvent = {
      serviceName: entry.name.grouped,
      groupName: entry.name.groupName,
      clusters: entry.clusters,
      instances: info.hosts,
      added: diff.added,
      removed: diff.removed,
      modified: diff.modified,
      source,
    };
    this.emit('serviceChanged', event);
    for (const listener of [...entry.listeners]) this.call(listener, event);
  }

  private notifyOne(entry: Entry, listener: ServiceListener, hosts: readonly Instance[], source: UpdateSource): void {
    this.call(listener, {
      serviceName: entry.name.grouped,
      groupName: entry.name.groupName,
      clusters: entry.clusters,
      instances: hosts,
      added: hosts,
      removed: [],
      modified: [],
      source,
    });
  }

  private call(listener: ServiceListener, event: ServiceChangeEvent): void {
    try {
      listener(event);
    } catch (error) {
      this.emit('listenerError', { event: 'subscribe', error });
    }
  }
}

function keyOf(groupedName: string, clustersText: string): string {
  return `${groupedName}@@${clustersText}`;
}

function baseInfo(entry: Entry): Omit<ServiceInfo, 'hosts'> {
  return {
    name: entry.name.grouped,
    clusters: entry.clustersText,
    cacheMillis: entry.info?.cacheMillis,
    lastRefTime: undefined,
  };
}
