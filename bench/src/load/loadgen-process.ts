import { runLoad, type LoadJob } from './load-run.js';

/** Child-process entry of the load generator: runs jobs the runner sends over IPC, one at a time. */
export interface RunMessage {
  type: 'run';
  id: number;
  job: LoadJob;
}

const send = (message: object) => process.send?.(message);

process.on('message', (message: RunMessage) => {
  if (message?.type !== 'run') return;
  const { id, job } = message;
  runLoad(job, (phase) => send({ type: 'phase', id, phase })).then(
    (result) => send({ type: 'result', id, result }),
    (error: unknown) => send({ type: 'error', id, message: error instanceof Error ? error.stack : String(error) }),
  );
});
// The runner going away ends the generator too.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
