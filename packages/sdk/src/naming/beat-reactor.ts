import { PreservedKeys } from '../admin/preserved-keys.js';
import { backoffDelay } from './backoff.js';
import type { Clock, TimerHandle } from './clock.js';
import type { Emit } from './events.js';
import { BEAT_NOT_FOUND, type BeatReply, type RegisteredInstance } from './nacos-api.js';

export const DEFAULT_BEAT_INTERVAL_MS = 5000;
export const BEAT_INTERVAL_KEY = PreservedKeys.beatInterval;
/** First retry after a failed beat waits about this long (or the period, if shorter). */
const RETRY_BASE_MS = 1000;

export interface BeatEvents {
  /** A beat was answered. `intervalMs` is the delay until the next one. */
  beat: { instance: RegisteredInstance; code: number | undefined; intervalMs: number; light: boolean };
  /** A beat (or the re-registration after a 20404) failed; the next try is in `retryInMs`. */
  beatFailed: { instance: RegisteredInstance; error: Error; attempt: number; retryInMs: number };
  /** The server asked for another period (`clientBeatInterval`), e.g. after an operator's edit. */
  intervalChanged: { instance: RegisteredInstance; previousMs: number; intervalMs: number };
  /** The server did not know the instance (20404) and it was registered again. */
  reregistered: { instance: RegisteredInstance };
}

/** What the reactor needs from the server. */
export interface BeatPort {
  sendBeat(instance: RegisteredInstance, light: boolean): Promise<BeatReply>;
  registerInstance(instance: RegisteredInstance): Promise<void>;
}

interface BeatTask {
  instance: RegisteredInstance;
  periodMs: number;
  timer: TimerHandle | undefined;
  failures: number;
  stopped: boolean;
}

/**
 * Keeps ephemeral instances alive, as the Java client's BeatReactor does (docs/nacos-protocol.md §6):
 * one schedule per instance; the first beat after the instance's own period
 * (`preserved.heart.beat.interval`, default 5 s), every later one after the server's
 * `clientBeatInterval`, so an operator's interval edit applies from the next beat. Light beats
 * once the server allows them; a 20404 answer registers the instance again. A failure is retried
 * with jittered exponential backoff capped at the period, so a beat is never skipped for longer
 * than one period and a dead server is never hammered.
 */
export class BeatReactor {
  private readonly tasks = new Map<string, BeatTask>();
  private lightAllowed = false;

  constructor(
    private readonly port: BeatPort,
    private readonly clock: Clock,
    private readonly emit: Emit<BeatEvents>,
    private readonly options: { readonly lightBeats: boolean; readonly random: () => number },
  ) {}

  /** Starts beating `instance`; for an instance already beating, only its data is replaced (one task per instance). */
  add(instance: RegisteredInstance): void {
    const key = beatKey(instance);
    const existing = this.tasks.get(key);
    if (existing) {
      existing.instance = instance;
      return;
    }
    const task: BeatTask = {
      instance,
      periodMs: configuredInterval(instance.metadata),
      timer: undefined,
      failures: 0,
      stopped: false,
    };
    this.tasks.set(key, task);
    this.schedule(task, task.periodMs);
  }

  /** Stops beating the instance; a beat in flight is not followed by another. */
  remove(instance: Pick<RegisteredInstance, 'namespace' | 'serviceName' | 'clusterName' | 'ip' | 'port'>): boolean {
    const key = beatKey(instance);
    const task = this.tasks.get(key);
    if (!task) return false;
    this.stop(task);
    this.tasks.delete(key);
    return true;
  }

  has(instance: Pick<RegisteredInstance, 'namespace' | 'serviceName' | 'clusterName' | 'ip' | 'port'>): boolean {
    return this.tasks.has(beatKey(instance));
  }

  /** The current period of an instance's beats, ms. */
  intervalOf(
    instance: Pick<RegisteredInstance, 'namespace' | 'serviceName' | 'clusterName' | 'ip' | 'port'>,
  ): number | undefined {
    return this.tasks.get(beatKey(instance))?.periodMs;
  }

  get size(): number {
    return this.tasks.size;
  }

  close(): void {
    for (const task of this.tasks.values()) this.stop(task);
    this.tasks.clear();
  }

  private stop(task: BeatTask): void {
    task.stopped = true;
    if (task.timer !== undefined) this.clock.clearTimeout(task.timer);
    task.timer = undefined;
  }

  private schedule(task: BeatTask, delayMs: number): void {
    if (task.stopped) return;
    task.timer = this.clock.setTimeout(() => {
      task.timer = undefined;
      void this.beat(task);
    }, delayMs);
  }

  private async beat(task: BeatTask): Promise<void> {
    const instance = task.instance;
    const light = this.options.lightBeats && this.lightAllowed;
    try {
      const reply = await this.port.sendBeat(instance, light);
      if (task.stopped) return;
      if (reply.lightBeatEnabled !== undefined) this.lightAllowed = reply.lightBeatEnabled;
      if (reply.code === BEAT_NOT_FOUND) {
        await this.port.registerInstance(task.instance);
        if (task.stopped) return;
        this.emit('reregistered', { instance: task.instance });
      }
      const next = reply.clientBeatInterval ?? task.periodMs;
      if (next !== task.periodMs) {
        const previousMs = task.periodMs;
        task.periodMs = next;
        this.emit('intervalChanged', { instance, previousMs, intervalMs: next });
      }
      task.failures = 0;
      this.schedule(task, task.periodMs);
      this.emit('beat', { instance, code: reply.code, intervalMs: task.periodMs, light });
    } catch (error) {
      if (task.stopped) return;
      task.failures++;
      const retryInMs = backoffDelay(
        { baseMs: Math.min(RETRY_BASE_MS, task.periodMs), maxMs: task.periodMs },
        task.failures,
        this.options.random,
      );
      this.schedule(task, retryInMs);
      this.emit('beatFailed', {
        instance,
        error: error instanceof Error ? error : new Error(String(error)),
        attempt: task.failures,
        retryInMs,
      });
    }
  }
}

export function beatKey(
  i: Pick<RegisteredInstance, 'namespace' | 'serviceName' | 'clusterName' | 'ip' | 'port'>,
): string {
  return `${i.namespace}##${i.serviceName}##${i.clusterName}##${i.ip}:${i.port}`;
}

/** `preserved.heart.beat.interval` when it is digits only (as the server reads it), else 5 s. */
export function configuredInterval(metadata: Readonly<Record<string, string>>): number {
  const raw = metadata[BEAT_INTERVAL_KEY];
  if (raw !== undefined && /^\d+$/.test(raw) && Number(raw) > 0) return Number(raw);
  return DEFAULT_BEAT_INTERVAL_MS;
}
