import type { AddressInfo } from 'node:net';
import { AuthenticationError, ServerError, type InstanceInput, type NamingClient } from '@beacon/sdk';
import type { InstanceSpec } from '../config/options.js';

/**
 * Where a registration stands:
 * - `waiting`: the HTTP server does not listen yet;
 * - `registered`: the registry knows the instance and its beats are answered;
 * - `retrying`: no server answered the registration or the last beat; the SDK keeps trying;
 * - `refused`: a server refused the registration (credentials, rights, a name it rejects): nothing will retry;
 * - `deregistered`: removed on shutdown;
 * - `disabled`: this application does not register.
 */
export type RegistrationState = 'waiting' | 'registered' | 'retrying' | 'refused' | 'deregistered' | 'disabled';

/** What a registration reports to; Nest's Logger and `console` both fit. */
export interface RegistrationLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A server that may not listen yet: Node's http.Server (Express, Fastify's `.server`, Nest's HTTP server). */
export interface ListeningServer {
  readonly listening: boolean;
  address(): AddressInfo | string | null;
  once(event: 'listening', listener: () => void): unknown;
  off(event: 'listening', listener: () => void): unknown;
}

/**
 * Registers one instance through the SDK once its port is known, follows its beats, and
 * deregisters it on request. Framework-free: the Nest module and `registerOnListen` both drive it.
 */
export class InstanceRegistration {
  private current: RegistrationState;
  private error: Error | undefined;
  private instance: InstanceInput | undefined;
  private registering: Promise<void> | undefined;
  private detach: (() => void) | undefined;

  constructor(
    private readonly client: NamingClient,
    readonly spec: InstanceSpec | undefined,
    private readonly logger: RegistrationLogger,
  ) {
    this.current = spec ? 'waiting' : 'disabled';
    client.on('beat', (e) => this.ifOurs(e.instance, () => this.settle('registered', undefined)));
    client.on('reregistered', (e) => this.ifOurs(e.instance, () => this.settle('registered', undefined)));
    client.on('beatFailed', (e) => this.ifOurs(e.instance, () => this.settle('retrying', e.error)));
  }

  get state(): RegistrationState {
    return this.current;
  }

  /** Why the registration is `retrying` or `refused`. */
  get lastError(): Error | undefined {
    return this.error;
  }

  /** `ip:port` once registered (or tried). */
  get address(): string | undefined {
    return this.instance && `${this.instance.ip}:${this.instance.port}`;
  }

  /** Registers when `server` listens (at once if it already does), on the port it listens on unless one was configured. */
  listenOn(server: ListeningServer): void {
    if (!this.spec || this.detach) return;
    const onListening = () => {
      this.detach = () => {};
      try {
        void this.register(this.spec?.port ?? portOf(server));
      } catch (error) {
        this.settle('refused', error as Error);
        this.logger.error(messageOf(error));
      }
    };
    if (server.listening) return onListening();
    server.once('listening', onListening);
    this.detach = () => server.off('listening', onListening);
  }

  /** Registers on `port` (ignored when a port was configured). Never rejects: failures are logged and kept in `state`. */
  register(port: number): Promise<void> {
    if (!this.spec || this.current === 'deregistered') return Promise.resolve();
    this.registering ??= this.send(this.spec.port ?? port);
    return this.registering;
  }

  /**
   * Removes the instance from the registry (beats stop at once), so peers stop calling it while
   * this process still answers. Never rejects: a shutdown must go on even if the registry is down.
   */
  async deregister(): Promise<void> {
    this.detach?.();
    await this.registering;
    const instance = this.instance;
    const wasActive = this.current === 'registered' || this.current === 'retrying';
    this.current = this.spec ? 'deregistered' : 'disabled';
    if (!this.spec || !instance || !wasActive) return;
    try {
      await this.client.deregisterInstance(this.spec.serviceName, instance, { groupName: this.spec.groupName });
      this.logger.log(`deregistered ${this.describe()}`);
    } catch (error) {
      this.logger.warn(`could not deregister ${this.describe()}: ${messageOf(error)}; it expires when its beats stop`);
    }
  }

  private async send(port: number): Promise<void> {
    const spec = this.spec!;
    this.instance = {
      ip: spec.ip,
      port,
      weight: spec.weight,
      clusterName: spec.clusterName,
      metadata: spec.metadata,
    };
    try {
      await this.client.registerInstance(spec.serviceName, this.instance, { groupName: spec.groupName });
      if (this.current === 'waiting') this.settle('registered', undefined);
      this.logger.log(`registered ${this.describe()}`);
    } catch (error) {
      const refused = error instanceof AuthenticationError || (error instanceof ServerError && !error.retryable);
      this.settle(refused ? 'refused' : 'retrying', error instanceof Error ? error : new Error(String(error)));
      if (refused) this.logger.error(`registration of ${this.describe()} refused: ${messageOf(error)}`);
      else this.logger.warn(`could not register ${this.describe()} yet (${messageOf(error)}); retrying with the beats`);
    }
  }

  private settle(state: RegistrationState, error: Error | undefined): void {
    if (this.current === 'deregistered' || this.current === 'refused') return;
    this.current = state;
    this.error = error;
  }

  private ifOurs(beat: { ip: string; port: number; serviceName: string }, then: () => void): void {
    const spec = this.spec;
    if (!spec || !this.instance) return;
    const ours =
      beat.ip === this.instance.ip &&
      beat.port === this.instance.port &&
      beat.serviceName === `${spec.groupName}@@${spec.serviceName}`;
    if (ours) then();
  }

  private describe(): string {
    return `${this.spec?.groupName}@@${this.spec?.serviceName} ${this.address ?? ''}`.trim();
  }
}

function portOf(server: ListeningServer): number {
  const address = server.address();
  if (address && typeof address === 'object') return address.port;
  throw new Error(`the HTTP server listens on '${String(address)}', not a TCP port: set the port option`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
