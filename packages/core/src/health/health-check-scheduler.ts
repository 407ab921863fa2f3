import type { Clock, TimerHandle } from '../clock.js';
import type { Cluster } from '../model/cluster.js';
import type { Instance } from '../model/instance.js';
import type { Service } from '../model/service.js';
import type { InstanceTracker, Registry } from '../registry.js';
import { nextCheckRecord } from './check-record.js';
import type { Prober, ProbeResult } from './prober.js';

interface CheckParams {
  readonly min: number;
  readonly max: number;
  readonly factor: number;
}

/** Nacos's adaptive check intervals per checker type. */
const PARAMS: Record<'TCP' | 'HTTP', CheckParams> = {
  TCP: { min: 1000, max: 5000, factor: 0.75 },
  HTTP: { min: 500, max: 5000, factor: 0.85 },
};

/** A persistent instance's check in progress and its result streaks, kept by the scheduler. */
interface CheckState {
  running: boolean;
  okStreak: number;
  failStreak: number;
}

interface ClusterTask {
  readonly service: Service;
  timer: TimerHandle | undefined;
  normalizedRt: number;
}

/**
 * How nodes that share one registry share its checks (cluster mode): each service is probed by one
 * node, and what a check decides reaches every node. Without it a scheduler checks every service and
 * flips health in its own registry.
 */
export interface CheckSharing {
  /** Whether this node probes the service's persistent instances now; asked before every round, so cheap. */
  owns(namespaceId: string, serviceName: string): boolean;
  /** A health change a check decided (the instance's health differs): applied for every node. */
  setHealth(instance: Instance, healthy: boolean): void;
}

/**
 * Active health checks of persistent instances (docs/nacos-protocol.md §7): one task per cluster,
 * adaptive delay `factor*normalized + (1-factor)*rt` clamped to the checker's range, and a status
 * flips after `checkTimes` consecutive results, or at once on a fail-now result.
 */
export class HealthCheckScheduler implements InstanceTracker {
  private readonly tasks = new Map<Cluster, ClusterTask>();
  /** Of the persistent instances checked so far; an instance's goes when it leaves the registry. */
  private readonly states = new Map<Instance, CheckState>();
  private readonly clock: Clock;
  private running = false;

  constructor(
    private readonly registry: Registry,
    private readonly prober: Prober,
    private readonly random: () => number = Math.random,
    private readonly sharing?: CheckSharing,
  ) {
    this.clock = registry.clock;
    registry.addTracker(this);
  }

  start(): void {
    this.running = true;
    for (const [cluster, task] of this.tasks) if (task.timer === undefined) this.arm(cluster, task, this.firstDelay());
  }

  stop(): void {
    this.running = false;
    for (const task of this.tasks.values()) {
      if (task.timer !== undefined) this.clock.clearTimeout(task.timer);
      task.timer = undefined;
    }
  }

  track(instance: Instance): void {
    if (instance.ephemeral) return;
    const cluster = instance.service.cluster(instance.clusterName);
    if (!cluster || this.tasks.has(cluster)) return;
    const task: ClusterTask = { service: instance.service, timer: undefined, normalizedRt: 0 };
    this.tasks.set(cluster, task);
    if (this.running) this.arm(cluster, task, this.firstDelay());
  }

  untrack(instance: Instance): void {
    if (instance.ephemeral) return;
    this.states.delete(instance);
    const cluster = instance.service.cluster(instance.clusterName);
    if (cluster && cluster.persistent.size === 0) this.dropTask(cluster);
  }

  /** One round over a cluster; returns when every probe of the round has settled. */
  async checkCluster(cluster: Cluster): Promise<void> {
    const checker = cluster.settings.healthChecker;
    if (checker.type !== 'TCP' && checker.type !== 'HTTP') return;
    if (!this.registry.switches.healthCheckEnabled) return;
    const task = this.tasks.get(cluster);
    // Another node's to probe (its timer keeps running here, so this node takes over when it must).
    if (this.sharing && !(task && this.sharing.owns(task.service.namespaceId, task.service.name))) return;
    const rounds: Promise<void>[] = [];
    for (const instance of cluster.persistent.values()) {
      if (instance.marked) continue;
      const state = this.stateOf(instance);
      if (state.running) continue;
      const port = cluster.settings.useIPPort4Check ? instance.port : cluster.settings.defaultCheckPort;
      state.running = true;
      rounds.push(
        this.prober
          .probe({ ip: instance.ip, port, checker })
          .catch((error: unknown): ProbeResult => ({
            outcome: 'fail',
            rtMs: 0,
            reason: `probe error: ${error instanceof Error ? error.message : 'unknown'}`,
          }))
          .then((result) => {
            state.running = false;
            instance.lastCheck = nextCheckRecord(instance.lastCheck, this.clock.now(), result);
            if (task) this.learnRt(task, checker.type, result);
            this.apply(instance, state, result);
          }),
      );
    }
    await Promise.all(rounds);
  }

  private stateOf(instance: Instance): CheckState {
    let state = this.states.get(instance);
    if (state === undefined) this.states.set(instance, (state = { running: false, okStreak: 0, failStreak: 0 }));
    return state;
  }

  private apply(instance: Instance, state: CheckState, result: ProbeResult): void {
    if (!this.registry.isAttached(instance)) return;
    const checkTimes = this.registry.switches.checkTimes;
    if (result.outcome === 'ok') {
      state.failStreak = 0;
      // Like Nacos, only oks seen while unhealthy count towards flipping back.
      state.okStreak = instance.healthy ? 0 : state.okStreak + 1;
      if (!instance.healthy && state.okStreak >= checkTimes) this.setHealth(instance, true);
      return;
    }
    state.okStreak = 0;
    state.failStreak++;
    if (instance.healthy && (result.outcome === 'fail-now' || state.failStreak >= checkTimes)) {
      this.setHealth(instance, false);
    }
  }

  /** A change the streaks decided; in cluster mode the view changes once the change is shared. */
  private setHealth(instance: Instance, healthy: boolean): void {
    if (this.sharing) this.sharing.setHealth(instance, healthy);
    else this.registry.setHealth(instance, healthy);
  }

  private learnRt(task: ClusterTask, type: 'TCP' | 'HTTP', result: ProbeResult): void {
    const p = PARAMS[type];
    const rt = result.timedOut ? task.normalizedRt * 2 : result.rtMs;
    const next = task.normalizedRt === 0 ? rt : p.factor * task.normalizedRt + (1 - p.factor) * rt;
    task.normalizedRt = Math.min(p.max, Math.max(p.min, next));
  }

  private arm(cluster: Cluster, task: ClusterTask, delay: number): void {
    task.timer = this.clock.setTimeout(() => {
      task.timer = undefined;
      if (!this.running || this.tasks.get(cluster) !== task) return;
      void this.checkCluster(cluster);
      const type = cluster.settings.healthChecker.type === 'HTTP' ? 'HTTP' : 'TCP';
      this.arm(cluster, task, task.normalizedRt || PARAMS[type].min);
    }, delay);
  }

  private dropTask(cluster: Cluster): void {
    const task = this.tasks.get(cluster);
    if (task?.timer !== undefined) this.clock.clearTimeout(task.timer);
    this.tasks.delete(cluster);
  }

  /** Nacos: 2000 + rand(0, rand(0, 5000)) ms, so that clusters do not all check at once. */
  private firstDelay(): number {
    return 2000 + Math.floor(this.random() * Math.floor(this.random() * 5000));
  }
}
