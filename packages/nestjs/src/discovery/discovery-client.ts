import {
  pickByWeight,
  selectable,
  type Instance,
  type NamingClient,
  type QueryOptions,
  type ServiceListener,
} from '@beacon/sdk';
import { fetchWithFailover, NoInstanceAvailableError, type FailoverDeps } from './fetch-with-failover.js';

/** Group and clusters of a lookup; the group defaults to the one configured for the application. */
export type LookupOptions = Omit<QueryOptions, 'subscribe'>;

/**
 * Finds and calls peers. Every list comes from the SDK's cache, which the watch stream keeps
 * current (polling and UDP push against a plain Nacos server), so a call costs no registry round
 * trip once a service was looked up the first time.
 */
export class DiscoveryClient {
  private readonly deps: FailoverDeps;

  constructor(
    readonly naming: NamingClient,
    private readonly groupName: string,
    deps: Partial<FailoverDeps> = {},
  ) {
    this.deps = { fetch: deps.fetch ?? ((input, init) => fetch(input, init)), random: deps.random ?? Math.random };
  }

  /** Every instance of the service, healthy or not, as the registry lists it. */
  instances(serviceName: string, options: LookupOptions = {}): Promise<Instance[]> {
    return this.naming.getAllInstances(serviceName, this.lookup(options));
  }

  /** One healthy, enabled instance, picked at random in proportion to its weight; undefined when there is none. */
  async choose(serviceName: string, options: LookupOptions = {}): Promise<Instance | undefined> {
    return pickByWeight(await this.callable(serviceName, options), this.deps.random);
  }

  /**
   * `fetch` on a chosen instance (`path` starts with `/`). When the connection fails (the instance
   * died before the registry noticed) the request goes once more to another instance; an idempotent
   * request also when the connection broke mid-way. Rejects with NoInstanceAvailableError when the
   * service has no healthy instance.
   */
  async fetch(serviceName: string, path: string, init?: RequestInit, options: LookupOptions = {}): Promise<Response> {
    const candidates = await this.callable(serviceName, options);
    if (candidates.length === 0) throw new NoInstanceAvailableError(serviceName);
    return fetchWithFailover(serviceName, candidates, path, init, this.deps);
  }

  /**
   * Calls `listener` with the current list and after every change of the service; returns the
   * function that stops it. (`@OnInstancesChanged` does this for Nest providers.)
   */
  async onChange(serviceName: string, listener: ServiceListener, options: LookupOptions = {}): Promise<() => void> {
    const lookup = this.lookup(options);
    await this.naming.subscribe(serviceName, listener, lookup);
    return () => this.naming.unsubscribe(serviceName, listener, lookup);
  }

  private async callable(serviceName: string, options: LookupOptions): Promise<Instance[]> {
    return selectable(await this.instances(serviceName, options), true);
  }

  private lookup(options: LookupOptions): LookupOptions {
    return { ...options, groupName: options.groupName ?? this.groupName };
  }
}
