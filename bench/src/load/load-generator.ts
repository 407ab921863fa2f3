import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nextMessage, spawnNode, stopProcess } from '../process/node-process.js';
import type { LoadJob, LoadResult, PhaseListener } from './load-run.js';

type Reply =
  | { type: 'phase'; id: number; phase: 'measure-start' | 'measure-end' }
  | { type: 'result'; id: number; result: LoadResult }
  | { type: 'error'; id: number; message: string };

const ENTRY = fileURLToPath(new URL('./loadgen-process.js', import.meta.url));

/** The runner's handle on the load generator, which runs in its own process (and core). */
export class LoadGenerator {
  private nextId = 1;

  private constructor(private readonly child: ChildProcess) {}

  static async start(cpu: number | undefined): Promise<LoadGenerator> {
    const child = spawnNode(ENTRY, [], { cpu });
    await nextMessage(child, (m): m is { type: 'ready' } => (m as { type?: string })?.type === 'ready');
    return new LoadGenerator(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  async run(job: LoadJob, onPhase: PhaseListener = () => undefined): Promise<LoadResult> {
    const id = this.nextId++;
    const onMessage = (m: Reply) => {
      if (m?.type === 'phase' && m.id === id) onPhase(m.phase);
    };
    this.child.on('message', onMessage);
    try {
      const timeout = job.warmupMs + job.durationMs + job.drainMs + 120_000;
      const answer = nextMessage(
        this.child,
        (m): m is Extract<Reply, { type: 'result' | 'error' }> =>
          ((m as Reply)?.type === 'result' || (m as Reply)?.type === 'error') && (m as Reply).id === id,
        timeout,
      );
      this.child.send({ type: 'run', id, job });
      const reply = await answer;
      if (reply.type === 'error') throw new Error(`load generator failed: ${reply.message}`);
      return reply.result;
    } finally {
      this.child.off('message', onMessage);
    }
  }

  async close(): Promise<void> {
    await stopProcess(this.child);
  }
}
