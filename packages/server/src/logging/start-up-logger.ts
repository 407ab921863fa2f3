import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { ConfigError } from '../config/config.js';
import { PostgresSchemaTooNewError } from '../storage/postgres-migrator.js';
import { SchemaTooNewError } from '../storage/schema-migrator.js';

/** Nest's own wiring reports: one line per module, controller and route (about 90 at start). */
const WIRING_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** Errors that stop the start for a reason the operator fixes; main prints their one-line message. */
export function isOperatorError(error: unknown): error is Error {
  return (
    error instanceof ConfigError || error instanceof SchemaTooNewError || error instanceof PostgresSchemaTooNewError
  );
}

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Nest's console logger, quieter at start: Nest's wiring reports go to `debug` (shown with
 * BEACON_LOG_LEVEL=debug or verbose), so the default level shows Beacon's banner instead; and an
 * operator's error (an invalid or unreachable setting) is left to main's one line, without Nest's
 * stack trace in front of it.
 */
export class StartUpLogger extends ConsoleLogger {
  constructor(level: LogLevel) {
    super({ logLevels: LEVELS.slice(0, LEVELS.indexOf(level) + 1) });
  }

  override log(message: unknown, ...rest: unknown[]): void {
    if (WIRING_CONTEXTS.has(contextOf(rest))) super.debug(message, ...rest);
    else super.log(message, ...rest);
  }

  override error(message: unknown, ...rest: unknown[]): void {
    if (contextOf(rest) === 'ExceptionHandler' && isOperatorError(message)) return;
    super.error(message, ...rest);
  }
}

/** Nest's Logger passes its context as the last argument. */
function contextOf(rest: unknown[]): string {
  const last = rest.at(-1);
  return typeof last === 'string' ? last : '';
}
