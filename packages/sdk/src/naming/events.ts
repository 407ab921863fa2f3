import { EventEmitter } from 'node:events';

type Listener<T> = (payload: T) => void;

/** How the reactors report events: one function, typed by their own event map. */
export type Emit<E> = <K extends keyof E & string>(event: K, payload: E[K]) => void;

/**
 * A typed wrapper of Node's EventEmitter: one payload object per event, listeners typed by event
 * name. A listener that throws never breaks the SDK's own loops; its error is reported as
 * `listenerError` instead (and swallowed if nobody listens to that).
 */
export class EventHub<E extends { listenerError: { event: string; error: unknown } }> {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  on<K extends keyof E & string>(event: K, listener: Listener<E[K]>): this {
    this.emitter.on(event, listener);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: Listener<E[K]>): this {
    this.emitter.once(event, listener);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: Listener<E[K]>): this {
    this.emitter.off(event, listener);
    return this;
  }

  emit<K extends keyof E & string>(event: K, payload: E[K]): void {
    for (const listener of this.emitter.rawListeners(event) as Listener<E[K]>[]) {
      try {
        listener.call(this.emitter, payload);
      } catch (error) {
        if (event !== 'listenerError') this.reportListenerError(event, error);
      }
    }
  }

  private reportListenerError(event: string, error: unknown): void {
    for (const listener of this.emitter.rawListeners('listenerError') as Listener<E['listenerError']>[]) {
      try {
        listener.call(this.emitter, { event, error });
      } catch {
        // A failing error listener has nowhere left to report to.
      }
    }
  }

  /** Resolves with the next payload of `event` that matches `filter`. */
  next<K extends keyof E & string>(event: K, filter: (payload: E[K]) => boolean = () => true): Promise<E[K]> {
    return new Promise((resolve) => {
      const listener = (payload: E[K]) => {
        if (!filter(payload)) return;
        this.off(event, listener);
        resolve(payload);
      };
      this.on(event, listener);
    });
  }

  removeAllListeners(): void {
    this.emitter.removeAllListeners();
  }
}
