import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { byName, normalizeNamespace, type Registry, type Service, type ServiceChange } from '@beacon/core';
import type { NativeViews } from '../wire/native-views.js';
import { ChangeHistory, type HistoryEntry } from './change-history.js';
import { Coalescer } from './coalescer.js';
import type { PushMetrics } from './push-metrics.js';
import { TooManyStreams, watchOwnerKey, watchedServices, type WatchAsk } from './watch-ask.js';
import { WatchStream, type WatchClient, type WatchOwner, type WatchSink } from './watch-stream.js';

export interface WatchHubOptions {
  readonly coalesceMs: number;
  readonly keepAliveMs: number;
  readonly backlogBytes: number;
  readonly historyBytes: number;
  readonly maxStreams: number;
  readonly maxStreamsPerOwner: number;
}

export interface WatchRequest {
  readonly namespaceId: string;
  /** Grouped names; undefined for the whole namespace. */
  readonly services: ReadonlySet<string> | undefined;
  /** The `Last-Event-ID` header, when the client resumes. */
  readonly lastEventId: string | undefined;
  readonly client: WatchClient;
  readonly owner: WatchOwner;
}

interface PendingChange {
  readonly revision: number;
  readonly reason: string;
  readonly serviceName: string;
  /** performance.now() at the change, for the latency histogram. */
  readonly at: number;
}

interface NamespaceWatch {
  readonly streams: Set<WatchStream>;
  readonly history: ChangeHistory;
  /** When the last stream left; the history is dropped after HISTORY_RETENTION_MS without any. */
  idleSince: number | undefined;
}

/** What one history mark is counted as: its names plus the overhead of an entry. */
function historyEntryOf(c: PendingChange): HistoryEntry {
  return {
    revision: c.revision,
    serviceName: c.serviceName,
    reason: c.reason,
    bytes: 64 + c.serviceName.length + c.reason.length,
  };
}

/** A namespace nobody watched for this long stops paying for its change history. */
const HISTORY_RETENTION_MS = 5 * 60_000;

/**
 * The watch stream (`/api/v1/watch`, server-sent events). A stream starts with a snapshot, or with
 * the changes it missed when it resumes with `Last-Event-ID` and the namespace's bounded history
 * still reaches back; then it gets every change in revision order. Changes are coalesced per
 * namespace for a short window and each event is serialized once for all streams. A stream whose
 * unsent backlog passes the limit is cut off; idle streams get keep-alive comments.
 */
export class WatchHub {
  private readonly logger = new Logger('WatchHub');
  private readonly namespaces = new Map<string, NamespaceWatch>();
  private readonly perOwner = new Map<string, number>();
  private streamTotal = 0;
  private readonly coalescer: Coalescer<string, PendingChange>;
  private unsubscribe: (() => void) | undefined;
  private keepAliveTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly views: NativeViews,
    private readonly metrics: PushMetrics,
    private readonly options: WatchHubOptions,
  ) {
    this.coalescer = new Coalescer(
      options.coalesceMs,
      (namespaceId, changes) => this.flush(namespaceId, changes),
      (error) => this.logger.error(`watch flush failed: ${String(error)}`),
    );
  }

  start(): void {
    this.unsubscribe = this.registry.onChange((change) => this.onChange(change));
    // Ticking at half the interval keeps every idle gap under the interval.
    const tick = Math.max(5, Math.floor(this.options.keepAliveMs / 2));
    this.keepAliveTimer = setInterval(() => this.keepAlive(), tick).unref();
  }

  /** Ends every stream (clients reconnect and resume elsewhere) and stops listening. */
  stop(): void {
    this.unsubscribe?.();
    this.coalescer.clear();
    clearInterval(this.keepAliveTimer);
    for (const ns of this.namespaces.values()) for (const stream of ns.streams) stream.close(false);
    this.namespaces.clear();
    this.perOwner.clear();
    this.streamTotal = 0;
  }

  /**
   * The stream a request asks for, once its names are checked (400) and its owner is under the
   * stream caps (429): nothing is sent before this passes.
   */
  admit(ask: WatchAsk): WatchRequest {
    const services = watchedServices(ask.services);
    const key = watchOwnerKey(ask);
    const refusal = this.refusal(key);
    if (refusal !== undefined) throw new TooManyStreams(refusal);
    return {
      namespaceId: normalizeNamespace(ask.namespaceId),
      services,
      lastEventId: Array.isArray(ask.lastEventId) ? ask.lastEventId[0] : ask.lastEventId,
      client: ask.client,
      owner: { key, expiresAt: ask.identity?.expiresAt, stillAllowed: ask.stillAllowed },
    };
  }

  /** Why another stream of this owner may not open now (the caller answers 429), or undefined. */
  refusal(ownerKey: string): string | undefined {
    if (this.streamTotal >= this.options.maxStreams) {
      return `too many watch streams: the server holds at most ${this.options.maxStreams}`;
    }
    if ((this.perOwner.get(ownerKey) ?? 0) >= this.options.maxStreamsPerOwner) {
      return `too many watch streams of ${ownerKey}: at most ${this.options.maxStreamsPerOwner} each`;
    }
    return undefined;
  }

  /** Opens a stream: writes its snapshot or replay; the caller has sent the response headers. */
  open(request: WatchRequest, sink: WatchSink): WatchStream {
    const ns = this.namespaceWatch(request.namespaceId);
    const stream = new WatchStream(
      request.namespaceId,
      request.services,
      request.client,
      request.owner,
      sink,
      this.options.backlogBytes,
    );
    ns.streams.add(stream);
    this.streamTotal++;
    this.perOwner.set(request.owner.key, (this.perOwner.get(request.owner.key) ?? 0) + 1);
    ns.idleSince = undefined;
    const now = performance.now();
    const replay = this.replayFor(request, ns.history, stream);
    const replayText = replay?.map((e) => e.frame).join('');
    const snapshot =
      replayText === undefined || replayText.length > stream.backlogLimit
        ? this.snapshotFrame(request.namespaceId, request.services)
        : undefined;
    // The replay, unless it is larger than both the limit and a snapshot (then it is not worth it).
    if (replay && replayText !== undefined && (!snapshot || replayText.length <= snapshot.frame.length)) {
      stream.cursor = Math.max(Number(request.lastEventId), replay.at(-1)?.revision ?? 0);
      stream.allowDraining(replayText.length);
      this.metrics.watchResumed('replay');
      sink.write(': resumed\n\n' + replayText);
      this.metrics.watchSent(replay.length);
    } else {
      const fresh = snapshot ?? this.snapshotFrame(request.namespaceId, request.services);
      stream.cursor = fresh.revision;
      stream.allowDraining(fresh.frame.length);
      if (request.lastEventId !== undefined) this.metrics.watchResumed('snapshot');
      sink.write(fresh.frame);
    }
    stream.lastWriteAt = now;
    return stream;
  }

  /** The stream's connection closed (by the client or by us). */
  closed(stream: WatchStream): void {
    stream.closed = true;
    const ns = this.namespaces.get(stream.namespaceId);
    if (!ns?.streams.delete(stream)) return;
    this.streamTotal--;
    const held = (this.perOwner.get(stream.owner.key) ?? 1) - 1;
    if (held > 0) this.perOwner.set(stream.owner.key, held);
    else this.perOwner.delete(stream.owner.key);
    if (ns.streams.size === 0) ns.idleSince = performance.now();
  }

  /** Open streams that see this service, for `/service/subscribers`. */
  watchersOf(namespaceId: string, serviceName: string): WatchStream[] {
    const ns = this.namespaces.get(namespaceId);
    if (!ns) return [];
    return [...ns.streams].filter((s) => s.wants(serviceName));
  }

  streamCount(): number {
    return this.streamTotal;
  }

  /** Ends every stream whose owner's access no longer grants it (users, roles or permissions changed). */
  revalidate(): void {
    for (const ns of this.namespaces.values()) {
      for (const stream of ns.streams) {
        if (stream.owner.stillAllowed && !stream.owner.stillAllowed()) this.revoke(stream);
      }
    }
  }

  private revoke(stream: WatchStream): void {
    this.metrics.watchCutOff('revoked');
    stream.close(false);
    this.closed(stream);
  }

  /** Unsent bytes over all streams: what slow consumers cost the server right now. */
  backlogBytes(): number {
    let n = 0;
    for (const ns of this.namespaces.values()) for (const s of ns.streams) n += s.backlog;
    return n;
  }

  historyBytes(): number {
    let n = 0;
    for (const ns of this.namespaces.values()) n += ns.history.bytes;
    return n;
  }

  /** Runs inside the registry mutation: O(1); namespaces nobody watches cost nothing. */
  private onChange(change: ServiceChange): void {
    const namespaceId = change.service.namespaceId;
    if (!this.namespaces.has(namespaceId)) return;
    this.coalescer.add(namespaceId, {
      revision: change.revision,
      reason: change.reason,
      serviceName: change.service.name,
      at: performance.now(),
    });
  }

  private flush(namespaceId: string, changes: PendingChange[]): void {
    const ns = this.namespaces.get(namespaceId);
    if (!ns) return;
    // One event per service per window: each event carries the whole service, so the last change
    // of a service stands for the batch. (Map order after delete + set is the order of last changes.)
    const latest = new Map<string, PendingChange>();
    for (const c of changes) {
      const earlier = latest.get(c.serviceName);
      latest.delete(c.serviceName);
      latest.set(c.serviceName, earlier ? { ...c, at: earlier.at } : c);
    }
    for (const c of latest.values()) ns.history.append(historyEntryOf(c));
    // Nobody watching: the history marks are all a change costs.
    if (ns.streams.size === 0) return;
    const frames: { revision: number; serviceName: string; frame: string; at: number }[] = [];
    for (const c of latest.values()) {
      if (!this.anyoneWants(ns, c.serviceName)) continue;
      frames.push({ ...this.changeFrame(namespaceId, c), at: c.at });
    }
    if (frames.length === 0) return;
    const now = performance.now();
    // Streams that take every event (the console's, watching a whole namespace) share one encoding.
    let everything: Buffer | undefined;
    for (const stream of ns.streams) {
      let text = '';
      let count = 0;
      let earliest: number | undefined;
      for (const entry of frames) {
        if (entry.revision <= stream.cursor || !stream.wants(entry.serviceName)) continue;
        text += entry.frame;
        count++;
        earliest ??= entry.at;
        stream.cursor = entry.revision;
      }
      // One event per changed service is never more than a snapshot of them: no resync needed.
      if (count === 0) continue;
      const chunk = count === frames.length ? (everything ??= Buffer.from(text)) : text;
      if (!stream.write(chunk, now)) {
        this.cutOff(stream);
        continue;
      }
      this.metrics.watchSent(count);
      this.metrics.observeLatency('watch', now - (earliest as number));
    }
  }

  private anyoneWants(ns: NamespaceWatch, serviceName: string): boolean {
    for (const stream of ns.streams) if (stream.wants(serviceName)) return true;
    return false;
  }

  /** The change event of a service: its current state, under the revision of its latest change. */
  private changeFrame(
    namespaceId: string,
    change: { readonly revision: number; readonly reason: string; readonly serviceName: string },
  ): { revision: number; serviceName: string; frame: string } {
    const service = this.registry.findService(namespaceId, change.serviceName);
    const detail = service ? JSON.stringify(this.views.serviceDetail(service)) : 'null';
    const data =
      `{"revision":${change.revision},"reason":${JSON.stringify(change.reason)},` +
      `"namespaceId":${JSON.stringify(namespaceId)},"serviceName":${JSON.stringify(change.serviceName)},` +
      `"service":${detail}}`;
    return {
      revision: change.revision,
      serviceName: change.serviceName,
      frame: `id: ${change.revision}\nevent: change\ndata: ${data}\n\n`,
    };
  }

  private cutOff(stream: WatchStream): void {
    this.logger.warn(
      `watch stream of ${stream.client.ip}:${stream.client.port} cut off: ${stream.backlog} bytes unsent`,
    );
    this.metrics.watchCutOff('slow');
    stream.close(true);
    this.closed(stream);
  }

  private keepAlive(): void {
    const now = performance.now();
    // Idle for about a tick (timers drift): so no stream goes a whole interval without a byte.
    const idle = (this.options.keepAliveMs / 2) * 0.9;
    const wallClock = Date.now();
    for (const [namespaceId, ns] of this.namespaces) {
      if (ns.streams.size === 0 && ns.idleSince !== undefined && now - ns.idleSince > HISTORY_RETENTION_MS) {
        this.namespaces.delete(namespaceId);
        continue;
      }
      for (const stream of ns.streams) {
        const expiresAt = stream.owner.expiresAt;
        if (expiresAt !== undefined && wallClock >= expiresAt) {
          this.revoke(stream);
          continue;
        }
        if (now - stream.lastWriteAt < idle) continue;
        if (!stream.write(': keep-alive\n\n', now)) this.cutOff(stream);
      }
    }
  }

  private namespaceWatch(namespaceId: string): NamespaceWatch {
    let ns = this.namespaces.get(namespaceId);
    if (!ns) {
      // The history starts now: anything older is only in a snapshot.
      ns = {
        streams: new Set(),
        history: new ChangeHistory(this.options.historyBytes, this.registry.currentRevision),
        idleSince: undefined,
      };
      this.namespaces.set(namespaceId, ns);
    }
    return ns;
  }

  /**
   * What a resuming stream missed, when the history still reaches back: each service it watches
   * that changed since, once, in its current state (under the revision of its latest change).
   */
  private replayFor(
    request: WatchRequest,
    history: ChangeHistory,
    stream: WatchStream,
  ): { revision: number; frame: string }[] | undefined {
    const raw = request.lastEventId?.trim();
    if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
    const revision = Number(raw);
    // From the future: this server restarted since, and its revisions mean something else.
    if (!Number.isSafeInteger(revision) || revision > this.registry.currentRevision) return undefined;
    const missed = history.since(revision);
    if (!missed) return undefined;
    const latest = new Map<string, HistoryEntry>();
    for (const e of missed) {
      if (!stream.wants(e.serviceName)) continue;
      latest.delete(e.serviceName);
      latest.set(e.serviceName, e);
    }
    return [...latest.values()].map((e) => this.changeFrame(request.namespaceId, e));
  }

  private snapshotFrame(
    namespaceId: string,
    wanted: ReadonlySet<string> | undefined,
  ): { revision: number; frame: string } {
    const services: Service[] = [];
    if (wanted) {
      for (const name of wanted) {
        const s = this.registry.findService(namespaceId, name);
        if (s) services.push(s);
      }
    } else {
      services.push(...this.registry.services(namespaceId));
    }
    services.sort(byName);
    const revision = this.registry.currentRevision;
    const data = JSON.stringify({
      revision,
      namespaceId,
      services: services.map((s) => this.views.serviceDetail(s)),
    });
    return { revision, frame: `id: ${revision}\nevent: snapshot\ndata: ${data}\n\n` };
  }
}
