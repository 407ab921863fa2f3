import type { BenchOptions } from '../options.js';
import type { ScenarioResult } from '../results.js';
import type { BeaconServer, BeaconServerOptions } from '../servers/beacon-server.js';

/** Sizes and windows of every scenario, per mode. */
export interface SizeProfile {
  beats: { counts: number[]; perService: number; connections: number; warmupMs: number; durationMs: number };
  saturation: { instances: number; perService: number; connections: number; warmupMs: number; durationMs: number };
  capacity: {
    instances: number;
    perService: number;
    connections: number;
    warmupMs: number;
    stepMs: number;
    maxSteps: number;
  };
  register: { instances: number; perService: number; connections: number };
  list: { connections: number; warmupMs: number; durationMs: number };
  push: { subscribers: number; changes: number };
  expiry: { instances: number; silentPercent: number; simulatedSeconds: number };
  memory: { instances: number; perService: number };
  /** Nacos 2.x connection mode: connections, instances each, and the steady-state window. */
  grpc: { connections: number; perConnection: number; steadyMs: number };
}

export const PROFILES: Record<BenchOptions['mode'], SizeProfile> = {
  full: {
    beats: { counts: [10_000, 50_000, 100_000], perService: 100, connections: 256, warmupMs: 6000, durationMs: 20_000 },
    saturation: { instances: 10_000, perService: 100, connections: 64, warmupMs: 3000, durationMs: 15_000 },
    capacity: { instances: 100_000, perService: 100, connections: 256, warmupMs: 5000, stepMs: 15_000, maxSteps: 7 },
    register: { instances: 20_000, perService: 10, connections: 32 },
    list: { connections: 64, warmupMs: 2000, durationMs: 10_000 },
    push: { subscribers: 1000, changes: 200 },
    expiry: { instances: 100_000, silentPercent: 1, simulatedSeconds: 60 },
    memory: { instances: 100_000, perService: 100 },
    grpc: { connections: 1000, perConnection: 100, steadyMs: 20_000 },
  },
  quick: {
    beats: { counts: [10_000], perService: 100, connections: 128, warmupMs: 2000, durationMs: 5000 },
    saturation: { instances: 10_000, perService: 100, connections: 64, warmupMs: 1500, durationMs: 5000 },
    capacity: { instances: 20_000, perService: 100, connections: 128, warmupMs: 2000, stepMs: 4000, maxSteps: 3 },
    register: { instances: 10_000, perService: 10, connections: 32 },
    list: { connections: 64, warmupMs: 1000, durationMs: 4000 },
    push: { subscribers: 200, changes: 50 },
    expiry: { instances: 100_000, silentPercent: 1, simulatedSeconds: 50 },
    memory: { instances: 20_000, perService: 100 },
    grpc: { connections: 200, perConnection: 100, steadyMs: 10_000 },
  },
  smoke: {
    beats: { counts: [500], perService: 100, connections: 8, warmupMs: 200, durationMs: 600 },
    saturation: { instances: 500, perService: 100, connections: 8, warmupMs: 200, durationMs: 600 },
    capacity: { instances: 500, perService: 100, connections: 8, warmupMs: 200, stepMs: 500, maxSteps: 1 },
    register: { instances: 500, perService: 100, connections: 8 },
    list: { connections: 8, warmupMs: 100, durationMs: 500 },
    push: { subscribers: 20, changes: 3 },
    expiry: { instances: 2000, silentPercent: 1, simulatedSeconds: 50 },
    memory: { instances: 1000, perService: 100 },
    grpc: { connections: 10, perConnection: 20, steadyMs: 1000 },
  },
};

export interface ScenarioContext {
  options: BenchOptions;
  sizes: SizeProfile;
  /** CPU for servers under test and for the load generator; undefined when not pinned. */
  serverCpu: number | undefined;
  generatorCpu: number | undefined;
  outDir: string;
  log: (message: string) => void;
  /**
   * Starts the server under test on the server CPU (the build chosen with --server, if any);
   * `pin: false` leaves it to the scheduler (several servers at once would share one CPU).
   */
  startBeacon: (options?: Omit<BeaconServerOptions, 'cpu' | 'main'> & { pin?: boolean }) => Promise<BeaconServer>;
  /** Figures one scenario leaves for a later one (the capacity search starts near saturation). */
  shared: { beaconSaturation?: number; beaconAuthSaturation?: number; rawSaturation?: number };
}

export interface Scenario {
  id: string;
  title: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}
