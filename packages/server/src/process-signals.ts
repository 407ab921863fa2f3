import type { Logger } from '@nestjs/common';

/** The signals that stop the server cleanly (Nest's shutdown hooks listen to these only). */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Signals whose default action would end the process, but that operators send for other reasons
 * (SIGHUP when a terminal closes, SIGUSR2 for Node's heap snapshots, SIGQUIT for diagnostics):
 * they are logged and otherwise ignored.
 */
const IGNORED_SIGNALS = ['SIGHUP', 'SIGUSR2', 'SIGQUIT'] as const;

/** Says in the log which signal stops the server, and which ones it ignores. */
export function logProcessSignals(logger: Logger): void {
  for (const signal of STOP_SIGNALS) process.once(signal, () => logger.log(`${signal} received: stopping`));
  for (const signal of IGNORED_SIGNALS) {
    process.on(signal, () => logger.warn(`${signal} received and ignored: only SIGTERM or SIGINT stop the server`));
  }
}
