import type { components } from './api-types.js';
import { SseParser } from './sse-parser.js';

export type WatchSnapshot = components['schemas']['WatchSnapshotDto'];
export type WatchChange = components['schemas']['WatchChangeDto'];
export type WatchState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface WatchOptions {
  /** Server origin; empty for the page's own origin. */
  baseUrl?: string;
  namespaceId: string;
  /** Grouped service names (`group@@name`) to watch; all services of the namespace when omitted. */
  services?: readonly string[];
  token?: () => string | undefined;
  onSnapshot: (snapshot: WatchSnapshot) => void;
  onChange: (change: WatchChange) => void;
  onState?: (state: WatchState, error?: unknown) => void;
  /** Delay before reconnecting; doubles per failure up to 30 s. */
  reconnectDelayMs?: number;
  fetch?: typeof fetch;
}

export interface Watch {
  close(): void;
  readonly lastRevision: number | undefined;
}

/**
 * Follows `/api/v1/watch` (server-sent events) with fetch, so it can send a bearer token and runs
 * in browsers and Node alike. Reconnects by itself with `Last-Event-ID`, so nothing is missed:
 * the server replays the gap, or sends a fresh snapshot when it cannot.
 */
export function watchRegistry(options: WatchOptions): Watch {
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const baseDelay = options.reconnectDelayMs ?? 1000;
  let lastRevision: number | undefined;
  let closed = false;
  let controller: AbortController | undefined;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const url = () => {
    const params = new URLSearchParams({ namespaceId: options.namespaceId || 'public' });
    if (options.services && options.services.length > 0) params.set('services', options.services.join(','));
    return `${(options.baseUrl ?? '').replace(/\/$/, '')}/api/v1/watch?${params.toString()}`;
  };

  const connect = async (): Promise<void> => {
    controller = new AbortController();
    options.onState?.(failures === 0 && lastRevision === undefined ? 'connecting' : 'reconnecting');
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream' };
      const token = options.token?.();
      if (token) headers['Authorization'] = `Bearer ${token}`;
      if (lastRevision !== undefined) headers['Last-Event-ID'] = String(lastRevision);
      const response = await fetchImpl(url(), { headers, signal: controller.signal });
      if (!response.ok || !response.body) throw new Error(`watch failed: HTTP ${response.status}`);
      options.onState?.('open');
      failures = 0;
      const parser = new SseParser();
      const decoder = new TextDecoder();
      const reader = response.body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
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
      failures++;
      options.onState?.('reconnecting', error);
      const delay = Math.min(30_000, baseDelay * 2 ** Math.min(failures - 1, 5));
      timer = setTimeout(() => void connect(), delay);
    }
  };

  void connect();
  return {
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      controller?.abort();
      options.onState?.('closed');
    },
    get lastRevision() {
      return lastRevision;
    },
  };
}
