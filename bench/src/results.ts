/** The machine-readable results of one bench run (bench/results/*.json). */
export type Verdict = 'pass' | 'miss' | 'info';

export interface SummaryRow {
  scenario: string;
  measure: string;
  value: string;
  target?: string;
  verdict: Verdict;
}

export interface ScenarioResult {
  id: string;
  title: string;
  status: 'ok' | 'not-available' | 'failed';
  /** Every parameter the scenario ran with. */
  params: Record<string, unknown>;
  /** Full measurements (load results, server samples, probe deltas). */
  data: unknown;
  rows: SummaryRow[];
  notes: string[];
  error?: string;
}

export interface MachineInfo {
  cpuModel: string;
  cpus: number;
  memoryGb: number;
  node: string;
  os: string;
  /** /proc/loadavg when the run started and ended: a busy machine shows here. */
  loadBefore: number[];
  loadAfter: number[];
}

export interface BenchResults {
  schema: 1;
  mode: 'full' | 'quick' | 'smoke';
  /** Free text from --label, to tell A/B runs apart. */
  label: string | undefined;
  command: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  git: { commit: string; branch: string; dirty: boolean };
  machine: MachineInfo;
  /** Server and load generator pinned to separate cores. */
  pinned: boolean;
  scenarios: ScenarioResult[];
}
