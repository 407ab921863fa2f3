import type { Instance, Registry, TimerHandle } from '@beacon/core';
import type { ChangeStreamTail } from '../stream/change-stream.js';
import type { LoadedView } from './view-loader.js';
import { bringViewTo, serviceKeyOf } from './view-differences.js';
import type { ServiceName } from '../../storage/postgres-store.js';
import type { WriteGate } from '../write-path/write-gate.js';
import { reasonOf } from '../../net/error-reason.js';

export interface ViewReconcilerDeps {
  readonly view: Registry;
  readonly gate: WriteGate;
  /** Paused while the view is reloaded, then reset to the loaded view's position. */
  readonly tail: Pick<ChangeStreamTail, 'position' | 'pause' | 'resetTo'>;
  /** Answers once both engines do, before local writes are held. */
  readonly probe: () => Promise<void>;
  /** The whole view, or just `only` these services (with every namespace and the switches). */
  readonly load: (only?: readonly ServiceName[]) => Promise<Pick<LoadedView, 'registry' | 'tip'>>;
  /** Asks every other node to reconcile too (an entry in the change stream). */
  readonly announce: () => Promise<void>;
  readonly warn: (message: string) => void;
  /** Each instance the reconcile took out of the view. */
  readonly removed?: (instance: Instance) => void;
}

const FIRST_RETRY_MS = 200;
const LAST_RETRY_MS = 5000;

/**
 * Brings a node's view back to what the engines hold, when it went out of step: a durable write
 * failed after the view applied it, or the node fell further behind than the stream keeps. One run:
 * local writes are held and those in flight finish (write-gate.ts), the tail pauses, a fresh view
 * is loaded as at start (view-loader.ts), the live view is brought to it through the registry's
 * own mutations, so its subscribers are pushed the differences (view-differences.ts), and the tail
 * goes on from the loaded view's position, so no entry that came meanwhile is lost. A run that
 * fails (an engine is down) is retried until one succeeds; requests during a run ask for one more.
 *
 * A run for some services only loads and compares those; the tail then goes on from where it
 * paused, so the other services miss nothing (the entries of these since are applied again on
 * top, as those that come during a whole reload are).
 */
export class ViewReconciler {
  private running: Promise<void> | undefined;
  private wanted: string[] = [];
  private everywhere = false;
  /** What the next run reloads: some services (by serviceKeyOf), or the whole view. */
  private scope: Map<string, ServiceName> | 'all' | undefined;
  private stopped = false;

  constructor(private readonly d: ViewReconcilerDeps) {}

  /**
   * Asks for a run (`why` goes to the log); resolves when the view is back in step. `everywhere`:
   * other nodes may have applied the change too (it reached the stream), so they are asked as well.
   * `only`: just these services are out of step (a whole reload is asked for too, it covers them).
   */
  request(why: string, everywhere = false, only?: readonly ServiceName[]): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.wanted.push(why);
    this.everywhere ||= everywhere;
    if (only === undefined) this.scope = 'all';
    else if (this.scope !== 'all') {
      this.scope ??= new Map();
      for (const s of only) this.scope.set(serviceKeyOf(s), s);
    }
    this.running ??= this.runWhileWanted();
    return this.running;
  }

  /** Waits for a run under way, at most `ms`. */
  async settled(ms: number): Promise<void> {
    if (!this.running) return;
    const clock = this.d.view.clock;
    let timer: TimerHandle | undefined;
    await Promise.race([this.running, new Promise<void>((r) => (timer = clock.setTimeout(r, ms)))]);
    if (timer !== undefined) clock.clearTimeout(timer);
  }

  stop(): void {
    this.stopped = true;
  }

  private async runWhileWanted(): Promise<void> {
    while (this.wanted.length > 0 && !this.stopped) {
      const why = this.wanted.splice(0).join('; ');
      const everywhere = this.everywhere;
      const scope = this.scope === 'all' || this.scope === undefined ? undefined : [...this.scope.values()];
      this.everywhere = false;
      this.scope = undefined;
      await this.runUntilDone(why, everywhere, scope);
    }
    // In the same turn as the last check: a request from now on starts a new loop.
    this.running = undefined;
  }

  private async runUntilDone(why: string, everywhere: boolean, only: ServiceName[] | undefined): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.run(why, everywhere, only);
        return;
      } catch (error) {
        const wait = Math.min(FIRST_RETRY_MS * 2 ** attempt, LAST_RETRY_MS);
        this.d.warn(`reconciling this node's view failed (${reasonOf(error)}); retrying in ${wait} ms`);
        // The clock's timers are unref'd: a node closing while the engines are down does not wait out the back-off.
        await new Promise<void>((r) => this.d.view.clock.setTimeout(r, wait));
      }
    }
  }

  private async run(why: string, everywhere: boolean, only: ServiceName[] | undefined): Promise<void> {
    await this.d.probe();
    const started = this.d.view.clock.now();
    await this.d.gate.close();
    const from = this.d.tail.position;
    this.d.tail.pause();
    let resumeAt = from;
    try {
      const loaded = await this.d.load(only);
      const scope = only && new Set(only.map(serviceKeyOf));
      const { fixed, refused } = bringViewTo(this.d.view, loaded.registry, this.d.removed, scope);
      // Only some services were loaded: the others are where the tail paused, and go on from there.
      if (only === undefined) resumeAt = loaded.tip;
      if (everywhere) await this.d.announce();
      const what =
        only === undefined ? "this node's view" : `${only.map((s) => s.serviceName).join(', ')} in this node's view`;
      this.d.warn(
        `reconciled ${what} with the engines (${why}): ${fixed} difference(s) fixed in ` +
          `${this.d.view.clock.now() - started} ms, tailing again from ${resumeAt}` +
          (everywhere ? '; asked the other nodes to reconcile too' : '') +
          (refused.length > 0 ? `; refused by the view: ${refused.join('; ')}` : ''),
      );
    } finally {
      this.d.tail.resetTo(resumeAt);
      this.d.gate.open();
    }
  }
}
