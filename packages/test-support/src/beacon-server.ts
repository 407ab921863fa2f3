import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { BeaconEnv } from './test-environment.js';

/** What every started server offers, wherever it runs. */
export interface BeaconServer extends AsyncDisposable {
  /** `http://<HOST>:<port>`, e.g. `http://127.0.0.1:41234`. */
  readonly baseUrl: string;
  readonly port: number;
  readonly dataDir: string;
  /** The admin user created at the first start; undefined when the test removed BEACON_ADMIN_PASSWORD. */
  readonly admin: { readonly username: string; readonly password: string } | undefined;
  /**
   * Stops the server cleanly (in flight requests finish, storage closes), then removes the data dir
   * unless it was passed in. Safe to call twice; `await using` calls it.
   */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Environment over the test defaults (TEST_ENV); `undefined` removes a default. */
  readonly env?: BeaconEnv;
  /** Reuse this data dir (restarts); it is then left in place on close. Default: a fresh temp dir. */
  readonly dataDir?: string;
}

/** The built app (`createBeaconApp` of packages/server/dist), as far as tests reach into it. */
export interface InProcessApp {
  /** A provider from the Nest container, e.g. `app.get(Registry)`. */
  get<T>(token: abstract new (...args: never[]) => T): T;
  getHttpServer(): Server;
  close(): Promise<void>;
}

export interface InProcessServer extends BeaconServer {
  /** The Nest app, for tests that look inside (providers, routes). */
  readonly app: InProcessApp;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SpawnOptions extends StartOptions {
  /** Listen here (restarts on the same address). Default: a free port on 127.0.0.1. */
  readonly port?: number;
  /**
   * Wait until readiness answers `OK` (default). `false` returns as soon as the process is spawned,
   * for tests of a start that must fail.
   */
  readonly waitUntilReady?: boolean;
  readonly readyTimeoutMs?: number;
  /** Another build's `main.js` (A/B runs). Default: packages/server/dist/main.js, checked fresh. */
  readonly main?: string;
  /** Node flags before the script, e.g. `--import <hook>`, `--expose-gc`. */
  readonly execArgv?: readonly string[];
  /** Pin the process to this CPU with taskset, when the machine has it (measurements). */
  readonly cpu?: number;
  /** Open an IPC channel to the child (`child.send`), for a preloaded probe. */
  readonly ipc?: boolean;
}

export interface SpawnedServer extends BeaconServer {
  readonly child: ChildProcess;
  /** Settles when the process has exited. */
  readonly exited: Promise<Exit>;
  stdout(): string;
  stderr(): string;
  /** Sends the signal (default SIGTERM) and waits for the exit; a no-op after exit. Keeps the data dir. */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
}
