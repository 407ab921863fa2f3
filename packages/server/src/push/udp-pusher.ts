import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import type { Registry, ServiceChange } from '@beacon/core';
import { isModernJava } from '../wire/client-info.js';
import { buildServiceInfo } from '../wire/nacos-service-info.js';
import { ByteRateLimiter } from './byte-rate-limiter.js';
import { Coalescer } from './coalescer.js';
import type { PushMetrics } from './push-metrics.js';
import { encodePushPacket, parseAck } from './push-packet.js';
import { serviceKeyOf, type PushTarget, type PushTargets } from './push-targets.js';

export interface UdpPusherOptions {
  readonly coalesceMs: number;
  readonly ackTimeoutMs: number;
  /** UDP bytes per second one target IP may receive; pushes past it are dropped (the client polls). */
  readonly bytesPerSecond: number;
  /** Address the UDP socket binds; pushes leave from it and acks come back to it. */
  readonly bindAddress: string;
}

interface PendingChange {
  readonly namespaceId: string;
  readonly serviceName: string;
  /** performance.now() when the change happened, for the latency histogram. */
  readonly at: number;
}

/** One packet sent to every target that wants the same bytes, waiting for their acks. */
interface Batch {
  readonly id: number;
  readonly packet: Buffer;
  readonly variant: string;
  /** `ip:port` -> the targets that have not acked yet. */
  readonly pending: Map<string, Awaited>;
  resent: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

interface Awaited {
  readonly target: PushTarget;
  /** Service, variant and address: what a newer push to the same client supersedes. */
  readonly key: string;
}

/** `lastRefTime` of the packets: a counter, so acks match exactly (Node parses it as a double). */
const MAX_REF_TIME = Number.MAX_SAFE_INTEGER;

/**
 * UDP push to Nacos 1.x clients (docs/nacos-protocol.md §5), from one socket. Changes to a service are
 * coalesced for a short window; then each live target gets the ServiceInfo the list endpoint would
 * give it, built once per (User-Agent kind, clusters) and gzipped at 1 KiB. Acks are matched by
 * sender and `lastRefTime`; an unacked packet is resent once after the ack timeout, and given up
 * after another. A newer push to a target supersedes the older one, so stale data is never resent.
 */
export class UdpPusher {
  private readonly logger = new Logger('UdpPusher');
  private socket: Socket | undefined;
  private lastRefTime = 0;
  private readonly batches = new Map<number, Batch>();
  /** Newest batch per target (service, variant, address). */
  private readonly latest = new Map<string, number>();
  private readonly oversized = new Set<string>();
  private readonly coalescer: Coalescer<string, PendingChange>;
  private unsubscribe: (() => void) | undefined;
  private readonly rates: ByteRateLimiter;

  constructor(
    private readonly registry: Registry,
    private readonly targets: PushTargets,
    private readonly metrics: PushMetrics,
    private readonly options: UdpPusherOptions,
  ) {
    this.rates = new ByteRateLimiter(options.bytesPerSecond);
    this.coalescer = new Coalescer(
      options.coalesceMs,
      (_key, changes) => this.push(changes),
      (error) => this.logger.error(`push failed: ${String(error)}`),
    );
  }

  /** Binds the socket and starts listening to registry changes. */
  async start(): Promise<void> {
    const socket = createSocket('udp4');
    socket.on('message', (message, remote) => this.onAck(message, remote));
    socket.on('error', (error) => this.logger.warn(`UDP socket: ${error.message}`));
    const address = isIPv4(this.options.bindAddress) ? this.options.bindAddress : '0.0.0.0';
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ port: 0, address }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.unref();
    this.socket = socket;
    this.unsubscribe = this.registry.onChange((change) => this.onChange(change));
  }

  /** Whether pushes can go out; a client told `cacheMillis` 10 s relies on it. */
  get ready(): boolean {
    return this.socket !== undefined;
  }

  /** The local UDP port pushes leave from. */
  get port(): number | undefined {
    return this.socket?.address().port;
  }

  stop(): void {
    this.unsubscribe?.();
    this.coalescer.clear();
    for (const batch of this.batches.values()) clearTimeout(batch.timer);
    this.batches.clear();
    this.latest.clear();
    this.socket?.close();
    this.socket = undefined;
  }

  /** Runs inside the registry mutation: O(1), no payloads built here. */
  private onChange(change: ServiceChange): void {
    const { namespaceId, name } = change.service;
    if (!this.targets.has(namespaceId, name)) return;
    this.coalescer.add(serviceKeyOf(namespaceId, name), {
      namespaceId,
      serviceName: name,
      at: performance.now(),
    });
  }

  private push(changes: PendingChange[]): void {
    const socket = this.socket;
    const first = changes[0];
    if (!socket || !first || !this.registry.switches.pushEnabled) return;
    const { namespaceId, serviceName } = first;
    const now = this.registry.clock.now();
    const targets = this.targets.live(namespaceId, serviceName, now);
    if (targets.length === 0) return;
    const service = this.registry.findService(namespaceId, serviceName);
    const cacheMillis = this.registry.switches.defaultPushCacheMillis;
    const batches = new Map<string, Batch>();
    let sent = 0;
    for (const target of targets) {
      const groupedNames = isModernJava(target.client);
      const variant = `${groupedNames ? 'G' : 'B'}|${target.clusters}`;
      let batch = batches.get(variant);
      if (!batch) {
        // Pushed exactly as `/instance/list` would answer this client, with healthyOnly off (PushService).
        const info = buildServiceInfo(
          service,
          { serviceName, clusters: target.clusters, healthyOnly: false, groupedNames, cacheMillis, env: '' },
          now,
        );
        const id = this.nextRefTime();
        batch = {
          id,
          packet: encodePushPacket(JSON.stringify(info), id),
          variant,
          pending: new Map(),
          resent: false,
        };
        batches.set(variant, batch);
      }
      const address = `${target.ip}:${target.port}`;
      // Two targets on one socket with the same view (e.g. two agents) need the packet once.
      if (batch.pending.has(address)) continue;
      const key = `${serviceKeyOf(namespaceId, serviceName)}|${variant}|${address}`;
      batch.pending.set(address, { target, key });
      this.supersede(key, batch.id, address);
      this.send(batch, target, first.at);
      sent++;
    }
    this.metrics.udpSent(sent);
    for (const batch of batches.values()) {
      if (batch.pending.size === 0) continue;
      this.batches.set(batch.id, batch);
      batch.timer = setTimeout(() => this.onAckTimeout(batch), this.options.ackTimeoutMs).unref();
    }
  }

  private nextRefTime(): number {
    this.lastRefTime = this.lastRefTime >= MAX_REF_TIME ? 1 : this.lastRefTime + 1;
    return this.lastRefTime;
  }

  /** An older packet still waiting for this target's ack is dropped: resending it would go back in time. */
  private supersede(targetKey: string, batchId: number, address: string): void {
    const previous = this.latest.get(targetKey);
    this.latest.set(targetKey, batchId);
    if (previous === undefined) return;
    const older = this.batches.get(previous);
    if (older?.pending.delete(address)) this.finishIfDone(older);
  }

  /** Takes an address off a batch; false when it was not waiting (acked already, superseded). */
  private settle(batch: Batch, address: string): PushTarget | undefined {
    const awaited = batch.pending.get(address);
    if (!awaited) return undefined;
    batch.pending.delete(address);
    if (this.latest.get(awaited.key) === batch.id) this.latest.delete(awaited.key);
    this.finishIfDone(batch);
    return awaited.target;
  }

  /** Forgets rate budgets that have refilled (called with the target sweep). */
  pruneRates(now: number): void {
    this.rates.prune(now);
  }

  private send(batch: Batch, target: PushTarget, changedAt?: number): void {
    const socket = this.socket;
    if (!socket) return;
    if (!this.rates.take(target.ip, batch.packet.length, this.registry.clock.now())) {
      // Over its budget: this push is dropped, not queued; the client's next poll catches it up.
      if (this.settle(batch, `${target.ip}:${target.port}`)) this.metrics.udpThrottled();
      return;
    }
    socket.send(batch.packet, target.port, target.ip, (error) => {
      if (error) {
        this.onSendError(batch, target, error);
      } else if (changedAt !== undefined) {
        this.metrics.observeLatency('udp', performance.now() - changedAt);
      }
    });
  }

  private onSendError(batch: Batch, target: PushTarget, error: Error): void {
    const address = `${target.ip}:${target.port}`;
    if (!this.settle(batch, address)) return;
    this.fail(target);
    const code = (error as NodeJS.ErrnoException).code;
    const service = serviceKeyOf(target.namespaceId, target.serviceName);
    if (code === 'EMSGSIZE') {
      if (!this.oversized.has(service)) {
        this.oversized.add(service);
        this.logger.warn(
          `push of ${service} is ${batch.packet.length} bytes, too large for a datagram; its clients rely on polling`,
        );
      }
    } else {
      this.logger.debug(`push of ${service} to ${address} failed: ${error.message}`);
    }
  }

  private onAck(message: Buffer, remote: RemoteInfo): void {
    const id = parseAck(message);
    if (id === undefined) return;
    const batch = this.batches.get(id);
    if (!batch) return; // late, unknown or a duplicate
    const address = `${remote.address}:${remote.port}`;
    const settled = batch.pending.has(address) ? address : this.translatedSender(batch, remote);
    if (settled !== undefined && this.settle(batch, settled)) this.metrics.udpAcked();
  }

  /**
   * The ack came from another IP than the one pushed to: a NAT, or a client that gave its LAN
   * address while the packet went over loopback (the Node client does). It still settles the
   * batch's one target on that port; when several share the port, none does, and they get the resend.
   */
  private translatedSender(batch: Batch, remote: RemoteInfo): string | undefined {
    let match: string | undefined;
    for (const [address, { target }] of batch.pending) {
      if (target.port !== remote.port) continue;
      if (match !== undefined) return undefined;
      match = address;
    }
    return match;
  }

  private onAckTimeout(batch: Batch): void {
    if (!this.batches.has(batch.id)) return;
    if (!batch.resent) {
      batch.resent = true;
      this.metrics.udpRetried(batch.pending.size);
      for (const { target } of batch.pending.values()) this.send(batch, target);
      batch.timer = setTimeout(() => this.onAckTimeout(batch), this.options.ackTimeoutMs).unref();
      return;
    }
    for (const address of [...batch.pending.keys()]) {
      const target = this.settle(batch, address);
      if (target) this.fail(target);
    }
  }

  private fail(target: PushTarget): void {
    this.metrics.udpFailed({
      addrStr: `${target.ip}:${target.port}`,
      namespaceId: target.namespaceId,
      serviceName: target.serviceName,
      agent: target.client.agent,
      at: this.registry.clock.now(),
    });
  }

  private finishIfDone(batch: Batch): void {
    if (batch.pending.size > 0) return;
    clearTimeout(batch.timer);
    this.batches.delete(batch.id);
  }
}
