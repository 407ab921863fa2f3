import { selectable, pickByWeight } from './balancer.js';
import { BeatReactor, type BeatEvents } from './beat-reactor.js';
import { ClientClosedError, OptionsError, ServerError, AuthenticationError } from './errors.js';
import { EventHub, type Emit } from './events.js';
import { HostReactor, type HostEvents } from './host-reactor.js';
import { checkAddress, checkCluster, checkInstanceInput } from './instance-input.js';
import { defaultClientIP } from './local-address.js';
import { NacosNamingApi, type RegisteredInstance } from './nacos-api.js';
import { normalizeClusters, serviceNameOf } from './names.js';
import { resolveOptions, type NamingClientOptions, type ResolvedOptions } from './options.js';
import { PushReceiver } from './push-receiver.js';
import { RegistryWatcher, type WatchMode } from './registry-watcher.js';
import { parseServiceInfo } from './service-info.js';
import { SnapshotStore } from './snapshot-store.js';
import { NacosTransport, type FailoverEvent } from './transport.js';
import type {
  GroupOption,
  Instance,
  InstanceAddress,
  InstanceInput,
  QueryOptions,
  SelectOptions,
  ServerStatus,
  ServiceListener,
} from './types.js';

export interface NamingEvents extends BeatEvents, HostEvents {
  /** Requests moved to another server because `from` failed. */
  serverFailover: FailoverEvent;
  /** The watch stream's state: `live` (every change is pushed), `down`, `unsupported` (polling), ... */
  watchState: { state: WatchMode; error?: unknown };
  /** A UDP push arrived; `applied` is false when no cached service matched it. */
  pushReceived: { serviceName: string; clusters: string; applied: boolean };
  /** Something failed in the background without failing a call (UDP socket, snapshot write). */
  warning: { message: string; error: Error };
}

/**
 * The naming client: what the Java client's NamingService is to Dubbo and Spring Cloud, in
 * TypeScript. Registers instances and keeps them alive with beats, answers discovery from a local
 * cache kept current by the watch stream (Beacon) or by polling and UDP push (any Nacos 1.x / 2.x
 * server), fails over between servers, and keeps answering while every server is down.
 *
 * Call `close()` when done: it stops every timer and socket (and deregisters nothing).
 */
export class NamingClient {
  private readonly options: ResolvedOptions;
  private readonly events = new EventHub<NamingEvents>();
  private readonly transport: NacosTransport;
  private readonly api: NacosNamingApi;
  private readonly beats: BeatReactor;
  private readonly hosts: HostReactor;
  private readonly watcher: RegistryWatcher | undefined;
  private readonly snapshots: SnapshotStore | undefined;
  private readonly clientIP: string;
  private push: Promise<PushReceiver | undefined> | undefined;
  private closed = false;

  constructor(options: NamingClientOptions) {
    const o = resolveOptions(options);
    this.options = o;
    // NamingEvents extends both reactors' event maps, so one emitter serves all of them.
    const emit = (<K extends keyof NamingEvents>(event: K, payload: NamingEvents[K]) =>
      this.events.emit(event, payload)) as Emit<NamingEvents> & Emit<BeatEvents> & Emit<HostEvents>;
    this.clientIP = o.clientIP ?? defaultClientIP(o.servers);
    this.transport = new NacosTransport(o, (e) => emit('serverFailover', e));
    this.api = new NacosNamingApi(this.transport, o.namespace, o.appName);
    this.beats = new BeatReactor(this.api, o.clock, emit, { lightBeats: o.lightBeats, random: o.random });
    this.snapshots = o.snapshotDir
      ? new SnapshotStore(o.snapshotDir, o.namespace, (error) =>
          emit('warning', { message: 'writing a snapshot failed', error }),
        )
      : undefined;
    this.watcher = o.watch
      ? new RegistryWatcher(
          this.transport,
          {
            apply: (name, service) => this.hosts.applyWatch(name, service),
            setLive: (services) => this.hosts.setWatched(services),
            resync: () => this.hosts.resync(),
            onMode: (state, error) => emit('watchState', error === undefined ? { state } : { state, error }),
          },
          { namespace: o.namespace, fetch: o.fetch, clock: o.clock },
        )
      : undefined;
    this.hosts = new HostReactor(
      this.api,
      o.clock,
      emit,
      {
        namespace: o.namespace,
        cacheMillis: o.cacheMillis,
        maxRetryDelayMs: o.maxRetryDelayMs,
        pushEmptyProtection: o.pushEmptyProtection,
        random: o.random,
      },
      () => this.pushParams(),
      this.snapshots,
      () => this.watcher?.follow(this.hosts.serviceNames()),
    );
  }

  get namespace(): string {
    return this.options.namespace;
  }

  /** The server requests go to first (it changes on failover). */
  get currentServer(): string {
    return this.transport.current.origin;
  }

  /** How subscribed services are kept current: `live` = the watch stream; `unsupported`/`down`/`off` = polling. */
  get watchMode(): WatchMode {
    return this.watcher?.current ?? 'off';
  }

  on<K extends keyof NamingEvents>(event: K, listener: (payload: NamingEvents[K]) => void): this {
    this.events.on(event, listener);
    return this;
  }

  once<K extends keyof NamingEvents>(event: K, listener: (payload: NamingEvents[K]) => void): this {
    this.events.once(event, listener);
    return this;
  }

  off<K extends keyof NamingEvents>(event: K, listener: (payload: NamingEvents[K]) => void): this {
    this.events.off(event, listener);
    return this;
  }

  /** Resolves with the next `event` whose payload passes `filter` (handy in tests and start-up code). */
  nextEvent<K extends keyof NamingEvents>(
    event: K,
    filter?: (payload: NamingEvents[K]) => boolean,
  ): Promise<NamingEvents[K]> {
    return this.events.next(event, filter);
  }

  /**
   * Registers an instance. An ephemeral one (the default) is then kept alive by beats until
   * `deregisterInstance` or `close()`. If no server can be reached the promise rejects, but the
   * instance stays scheduled: the beat reactor registers it as soon as a server answers
   * (`reregistered`). A request the server refuses (bad name, no permission) schedules nothing.
   */
  async registerInstance(serviceName: string, instance: InstanceInput, options: GroupOption = {}): Promise<void> {
    this.assertOpen();
    const registered = this.toRegistered(serviceName, instance, options);
    if (registered.ephemeral) this.beats.add(registered);
    try {
      await this.api.registerInstance(registered);
    } catch (error) {
      const refused = (error instanceof ServerError && !error.retryable) || error instanceof AuthenticationError;
      if (refused && registered.ephemeral) this.beats.remove(registered);
      throw error;
    }
  }

  /** Stops beating the instance and removes it from the registry. */
  async deregisterInstance(serviceName: string, instance: InstanceAddress, options: GroupOption = {}): Promise<void> {
    this.assertOpen();
    const name = serviceNameOf(serviceName, options.groupName);
    const address = checkAddress(instance);
    const clusterName = checkCluster(instance.clusterName);
    const ephemeral = instance.ephemeral ?? true;
    this.beats.remove({ namespace: this.namespace, serviceName: name.grouped, clusterName, ...address });
    await this.api.deregisterInstance({ serviceName: name.grouped, clusterName, ephemeral, ...address });
  }

  /** Every instance of the service (healthy or not, enabled or not, as the server lists them). */
  async getAllInstances(serviceName: string, options: QueryOptions = {}): Promise<Instance[]> {
    this.assertOpen();
    const name = serviceNameOf(serviceName, options.groupName);
    const clusters = normalizeClusters(options.clusters);
    const hosts =
      options.subscribe === false
        ? await this.hosts.queryNow(name, clusters)
        : await this.hosts.getHosts(name, clusters);
    return [...hosts];
  }

  /** Instances with the requested health (healthy by default) that are enabled and have weight > 0. */
  async selectInstances(serviceName: string, options: SelectOptions = {}): Promise<Instance[]> {
    const all = await this.getAllInstances(serviceName, options);
    return selectable(all, options.healthy ?? true);
  }

  /** One healthy, enabled instance, picked at random in proportion to weight; undefined when there is none. */
  async selectOneHealthyInstance(serviceName: string, options: QueryOptions = {}): Promise<Instance | undefined> {
    const candidates = await this.selectInstances(serviceName, { ...options, healthy: true });
    return pickByWeight(candidates, this.options.random);
  }

  /**
   * Calls `listener` with the service's list now (when known) and after every change, with what
   * was added, removed and modified. Resolves once the first attempt to load the list is done; an
   * unreachable server does not reject it: the listener is called when a server answers.
   */
  async subscribe(
    serviceName: string,
    listener: ServiceListener,
    options: Omit<QueryOptions, 'subscribe'> = {},
  ): Promise<void> {
    this.assertOpen();
    if (typeof listener !== 'function') throw new OptionsError('subscribe needs a listener function');
    await this.hosts.subscribe(
      serviceNameOf(serviceName, options.groupName),
      normalizeClusters(options.clusters),
      listener,
    );
  }

  /** Removes a listener; true when it was subscribed. The service stays cached. */
  unsubscribe(serviceName: string, listener: ServiceListener, options: Omit<QueryOptions, 'subscribe'> = {}): boolean {
    return this.hosts.unsubscribe(
      serviceNameOf(serviceName, options.groupName),
      normalizeClusters(options.clusters),
      listener,
    );
  }

  /** `UP` when a server reports itself up (`/operator/metrics`), else `DOWN` (also when none answers). */
  async getServerStatus(): Promise<ServerStatus> {
    this.assertOpen();
    try {
      return await this.api.serverStatus();
    } catch (error) {
      if (error instanceof ClientClosedError) throw error;
      return 'DOWN';
    }
  }

  /** The current beat period of a registered ephemeral instance, ms (undefined when not beating). */
  beatIntervalOf(serviceName: string, instance: InstanceAddress, options: GroupOption = {}): number | undefined {
    const name = serviceNameOf(serviceName, options.groupName);
    return this.beats.intervalOf({
      namespace: this.namespace,
      serviceName: name.grouped,
      clusterName: checkCluster(instance.clusterName),
      ...checkAddress(instance),
    });
  }

  /** Stops every beat, poll, stream and socket. Deregisters nothing: instances expire on the server. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.beats.close();
    this.hosts.close();
    this.watcher?.close();
    this.transport.close();
    const receiver = await this.push;
    await receiver?.close();
    await this.snapshots?.flush();
  }

  private assertOpen(): void {
    if (this.closed) throw new ClientClosedError();
  }

  private toRegistered(serviceName: string, input: InstanceInput, options: GroupOption): RegisteredInstance {
    const name = serviceNameOf(serviceName, options.groupName);
    return {
      namespace: this.namespace,
      serviceName: name.grouped,
      groupName: name.groupName,
      ...checkInstanceInput(input),
    };
  }

  private async pushParams(): Promise<{ udpPort: number; clientIP: string } | undefined> {
    const udp = this.options.udpPush;
    if (!udp || this.closed) return undefined;
    // Beacon's watch stream makes UDP pointless; only a server without it (or while it is down) gets a push target.
    const mode = this.watcher?.current;
    if (mode === 'off' || mode === 'connecting' || mode === 'live') return undefined;
    this.push ??= PushReceiver.start(
      {
        onServiceInfo: (json) => {
          const info = parseServiceInfo(json);
          const applied = this.hosts.applyPush(info);
          this.events.emit('pushReceived', { serviceName: info.name, clusters: info.clusters, applied });
        },
        dump: () => JSON.stringify(this.hosts.dump()),
        onError: (error) => this.events.emit('warning', { message: 'UDP push receiver', error }),
      },
      udp.port,
    ).catch((error: unknown) => {
      this.events.emit('warning', {
        message: `UDP push receiver could not bind port ${udp.port}; polling only`,
        error: error instanceof Error ? error : new Error(String(error)),
      });
      return undefined;
    });
    const receiver = await this.push;
    if (!receiver || this.closed) return undefined;
    return { udpPort: receiver.port, clientIP: this.clientIP };
  }
}
