import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nextMessage, spawnNode, stopProcess } from '../process/node-process.js';
import { sampleProcess, type ProcSample } from '../process/proc-stats.js';

const ENTRY = fileURLToPath(new URL('./raw-beat-server.js', import.meta.url));

/** The raw node:http baseline server in its own process. */
export class RawServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(cpu: number | undefined): Promise<RawServer> {
    const child = spawnNode(ENTRY, [], { cpu });
    const ready = await nextMessage(
      child,
      (m): m is { type: 'ready'; port: number } => (m as { type?: string })?.type === 'ready',
    );
    return new RawServer(child, ready.port);
  }

  get pid(): number {
    return this.child.pid!;
  }

  sample(): ProcSample {
    return sampleProcess(this.pid);
  }

  stop(): Promise<void> {
    return stopProcess(this.child);
  }
}
