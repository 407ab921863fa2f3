import type { components } from './api-types.js';
import { SseParser } from './sse-parser.js';

export type WatchSnapshot = components['schemas']['WatchSnapshotDto'];
export type WatchChange = components['schemas']['WatchChangeDto'];
export type WatchState = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'unsupported';

export interface WatchOptions {
  /** Server origin; empty for the page's own origin. A function is asked again before every connection (failover). */
  baseUrl?: string | (() => string);
  namespaceId: string;
  /** Grouped service names (`group@@name`) to watch; all services of the namespace when omitted. */
  services?: readonly string[];
  token?: () => string | undefined;
  /** Extra request headers, asked for before every connection. */
  headers?: () => Record<string, string>;
  onSnapshot: (snapshot: WatchSnapshot) => void;
  onChange: (change: WatchChange) => void;
  onState?: (state: WatchState, error?: unknown) => void;
  /**
   * When given, a server without the watch stream (404, 405 or 501, or an answer that is not an
   * event stream: a plain Nacos server) ends the watch and is reported here instead of being
   * retried forever.
   */
  onUnsupported?: (status: number) => void;
  /** Delay before the first reconnection; doubles per failure (with jitter) up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  /** Longest wait between reconnections (default 30 s). */
  maxReconnectDelayMs?: number;
  /**
   * Reconnect when nothing (not even a keep-alive comment) arrived for this long, ms: a connection
   * whose peer vanished without closing it would otherwise look open forever. 0 (default) = never.
   */
  idleTimeoutMs?: number;
  fetch?: typeof fetch;
}

export interface Watch {
  close(): void;
  readonly lastRevision: number | undefined;
}

/** The watch request was answered with an error status. */
export class WatchHttpError extends Error {
  constructor(readonly status: number) {
    super(`watch failed: HTTP ${status}`);
    this.name = 'WatchHttpError';
  }
}

const UNSUPPORTED = [404, 405, 501];

/**
 * Follows `/api/v1/watch` (server-sent events) with fetch, so it can send a bearer token and runs
 * in browsers and Node alike. Reconnects by itself with `Last-Event-ID`, so nothing is missed:
 * the server replays the gap, or sends a fresh snapshot when it cannot.
 */
export function watchRegistry(options: WatchOptions): Watch {
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const baseDelay = options.reconnectDelayMs ?? 1000;
  const maxDelay = Math.max(baseDelay, options.maxReconnectDelayMs ?? 30_000);
  const idleTimeoutMs = options.idleTimeoutMs ?? 0;
  let lastRevision: number | undefined;
  let closed = false;
  let closedReported = false;
  let controller: AbortController | undefined;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const url = () => {
    const params = new URLSearchParams({ namespaceId: options.namespaceId || 'public' });
    if (options.services && options.services.length > 0) params.set('services', options.services.join(','));
    const base = typeof options.baseUrl === 'function' ? options.baseUrl() : (options.baseUrl ?? '');
    return `${base.replace(/\/$/, '')}/api/v1/watch?${params.toString()}`;
  };

  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;

  const armIdleTimer = (current: AbortController) => {
    if (idleTimeoutMs <= 0) return;
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      const reason = new Error(`watch idle for ${idleTimeoutMs} ms`);
      current.abort(reason);
      // Not every fetch ends the body on abort; cancelling the reader always ends the read loop.
      void reader?.cancel(reason).catch(() => undefined);
    }, idleTimeoutMs);
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    const current = new AbortController();
    controller = current;
    options.onState?.(failures === 0 && lastRevision === undefined ? 'connecting' : 'reconnecting');
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream', ...options.headers?.() };
      const token = options.token?.();
      if (token) headers['Authorization'] = `Bearer ${token}`;
      if (lastRevision !== undefined) headers['Last-Event-ID'] = String(lastRevision);
      armIdleTimer(current);
      const response = await fetchImpl(url(), { headers, signal: current.signal });
      const contentType = response.headers.get('content-type') ?? '';
      const notAStream = response.ok && !contentType.includes('text/event-stream');
      if (options.onUnsupported && (UNSUPPORTED.includes(response.status) || notAStream)) {
        closed = true;
        current.abort();
        if (idleTimer !== undefined) clearTimeout(idleTimer);
        options.onState?.('unsupported', new WatchHttpError(response.status));
        options.onUnsupported(response.status);
        return;
      }
      if (!response.ok || !response.body) throw new WatchHttpError(response.status);
      options.onState?.('open');
      failures = 0;
      const parser = new SseParser();
      const decoder = new TextDecoder();
      reader = response.body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        armIdleTimer(current);
        for (const event of parser.push(decoder.decode(value, { stream: true }))) {
          if (event.event === 'snapshot') {
            const snapshot = JSON.parse(event.data) as WatchSnapshot;
            lastRevision = snapshot.revision;
            options.onSnapshot(snapshot);
          } else if (event.event === 'change') {
            const change = JSON.parse(event.data) as WatchChange;
            lastRevision = change.revision;
            options.onChange(change);
          }
        }
      }
      throw new Error('watch stream ended');
    } catch (error) {
      if (closed) return;
      current.abort();
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      failures++;
      options.onState?.('reconnecting', error);
      // Equal jitter: a fleet of consoles and clients does not reconnect in lockstep after a restart.
      const ceiling = Math.min(maxDelay, baseDelay * 2 ** Math.min(failures - 1, 20));
      const delay = ceiling / 2 + Math.random() * (ceiling / 2);
      timer = setTimeout(() => void connect(), delay);
    }
  };

  // Connect after returning, so callbacks never run before the caller holds the Watch.
  queueMicrotask(() => void connect());
  return {
    close() {
      if (closedReported) return;
      closedReported = true;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      timer = undefined;
      controller?.abort();
      options.onState?.('closed');
    },
    get lastRevision() {
      return lastRevision;
    },
  };
}
