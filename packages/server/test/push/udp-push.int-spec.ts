import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '@beacon/core';
import {
  delay,
  deregister,
  metricsText,
  nacos,
  register,
  sample,
  startServer,
  UdpReceiver,
  type InProcessServer,
} from './push-support.js';

const ACK_TIMEOUT_MS = 500;
const TARGET_TTL_MS = 1500;

describe('UDP push to Nacos 1.x clients', () => {
  let server: InProcessServer;
  const receivers: UdpReceiver[] = [];
  const receiver = async (ackMode: 'number' | 'string' | 'none' = 'number', address?: string) => {
    const r = await UdpReceiver.open(ackMode, address);
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    server = await startServer({
      BEACON_PUSH_ACK_TIMEOUT_MS: String(ACK_TIMEOUT_MS),
      BEACON_PUSH_TARGET_TTL_MS: String(TARGET_TTL_MS),
      BEACON_PUSH_COALESCE_MS: '20',
      BEACON_EXPIRY_TICK_MS: '50',
    });
  });

  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await server.close();
  });

  it('pushes a registration, a deregistration and a health flip, each as the list endpoint builds it', async () => {
    const client = await receiver();
    const service = 'DEFAULT_GROUP@@udp-basic';
    await register(server, service, '10.0.0.1', 8080);
    const polled = await client.poll(server, service);
    expect(polled.cacheMillis).toBe(10000);

    // Registration: the new host arrives without waiting for a poll.
    const registered = client.next((p) => p.info.hosts.length === 2);
    const changedAt = performance.now();
    // A beat-expiring instance (300 ms timeout) for the health flip below; the first one keeps
    // the default 15 s timeout, so the protect threshold does not hide the flip.
    await register(server, service, '10.0.0.2', 8080, {
      metadata: JSON.stringify({ 'preserved.heart.beat.timeout': '300' }),
    });
    const first = await registered;
    expect(first.receivedAt - changedAt).toBeLessThan(1000);
    expect(first.type).toBe('dom');
    expect(typeof first.data).toBe('string');
    expect(first.gzipped).toBe(false);
    expect(Number.isSafeInteger(first.lastRefTime)).toBe(true);
    expect(first.lastRefTime).toBeLessThanOrEqual(2 ** 53);
    // Exactly the list endpoint's answer for this client, but for lastRefTime.
    const { text } = await nacos(server, 'GET', '/instance/list', { serviceName: service, clusters: '' });
    const listed = JSON.parse(text) as Record<string, unknown>;
    const pushed = first.info as unknown as Record<string, unknown>;
    expect({ ...pushed, lastRefTime: 0, cacheMillis: 0 }).toEqual({ ...listed, lastRefTime: 0, cacheMillis: 0 });
    expect(pushed['cacheMillis']).toBe(10000);
    expect(pushed['dom']).toBe(service); // grouped for a Java 1.x UA

    // Health flip by beat expiry: 10.0.0.2 stops beating and turns unhealthy.
    const flipped = await client.next((p) => p.info.hosts.some((h) => h.ip === '10.0.0.2' && !h.healthy), 3000);
    expect(flipped.info.hosts.find((h) => h.ip === '10.0.0.1')?.healthy).toBe(true);

    // ...and back: a beat makes it healthy again.
    await client.poll(server, service);
    const healthyAgain = client.next((p) => p.info.hosts.every((h) => h.healthy));
    const beat = await nacos(server, 'PUT', '/instance/beat', {
      serviceName: service,
      beat: JSON.stringify({ ip: '10.0.0.2', port: 8080, serviceName: service, cluster: 'DEFAULT' }),
    });
    expect(beat.status).toBe(200);
    await healthyAgain;

    // Deregistration.
    const gone = client.next((p) => !p.info.hosts.some((h) => h.ip === '10.0.0.1'));
    await deregister(server, service, '10.0.0.1', 8080);
    expect((await gone).info.hosts.map((h) => h.ip)).toEqual(['10.0.0.2']);
  });

  it('matches numeric and string acks, so an acked push is not resent', async () => {
    const node = await receiver('number');
    const java = await receiver('string');
    const service = 'DEFAULT_GROUP@@udp-ack';
    await register(server, service, '10.0.1.1', 80);
    await node.poll(server, service);
    await java.poll(server, service);
    const before = await pushState(server);

    await register(server, service, '10.0.1.2', 80);
    await Promise.all([node.next(), java.next()]);
    // Past two ack timeouts: a resend or a give-up would have happened by now.
    await delay(ACK_TIMEOUT_MS * 2 + 200);
    expect(node.packets).toHaveLength(1);
    expect(java.packets).toHaveLength(1);
    // Other tests' services may push meanwhile, so count at least these two, and no failure of theirs.
    const after = await pushState(server);
    expect(after.total - before.total).toBeGreaterThanOrEqual(2);
    expect(after.succeed - before.succeed).toBeGreaterThanOrEqual(2);
    const detail = JSON.parse((await nacos(server, 'GET', '/operator/push/state', { detail: true })).text) as {
      data: { addrStr: string }[];
    };
    const failed = detail.data.map((f) => f.addrStr);
    expect(failed).not.toContain(`127.0.0.1:${node.port}`);
    expect(failed).not.toContain(`127.0.0.1:${java.port}`);
  });

  it('a client stating another address (its LAN IP, as the Node client does) is pushed at the one it polls from', async () => {
    // clientIP 127.0.0.2 from 127.0.0.1: pushed to 127.0.0.1 (see push-target-rules.int-spec.ts), acked from there.
    const client = await receiver('number', '0.0.0.0');
    const service = 'DEFAULT_GROUP@@udp-translated';
    await register(server, service, '10.0.7.1', 80);
    await client.poll(server, service, '', undefined, '127.0.0.2');

    await register(server, service, '10.0.7.2', 80);
    await client.next();
    await delay(ACK_TIMEOUT_MS * 2 + 200);
    expect(client.packets).toHaveLength(1);
  });

  it('resends an unacked push once, then gives up', async () => {
    const silent = await receiver('none');
    const service = 'DEFAULT_GROUP@@udp-noack';
    await register(server, service, '10.0.2.1', 80);
    await silent.poll(server, service);
    const metricsBefore = await metricsText(server);

    await register(server, service, '10.0.2.2', 80);
    const sent = await silent.next();
    const resent = await silent.next(() => true, ACK_TIMEOUT_MS * 4);
    expect(resent.lastRefTime).toBe(sent.lastRefTime);
    expect(resent.data).toBe(sent.data);
    expect(resent.receivedAt - sent.receivedAt).toBeGreaterThanOrEqual(ACK_TIMEOUT_MS - 20);
    // No third copy: one resend only.
    await delay(ACK_TIMEOUT_MS * 2 + 200);
    expect(silent.packets).toHaveLength(2);

    const metricsAfter = await metricsText(server);
    const diff = (series: string) => (sample(metricsAfter, series) ?? 0) - (sample(metricsBefore, series) ?? 0);
    expect(diff('beacon_push_retried_total{channel="udp"}')).toBe(1);
    expect(diff('beacon_push_failed_total{channel="udp"}')).toBe(1);
    const state = (await nacos(server, 'GET', '/operator/push/state', { detail: true })).text;
    expect(JSON.parse(state).data).toContainEqual(
      expect.objectContaining({ addrStr: `127.0.0.1:${silent.port}`, serviceName: service }),
    );
  });

  it('gzips a push of 1 KiB or more', async () => {
    const client = await receiver();
    const service = 'DEFAULT_GROUP@@udp-large';
    const metadata = JSON.stringify({ description: 'x'.repeat(200) });
    for (let i = 1; i <= 10; i++) await register(server, service, `10.0.3.${i}`, 80, { metadata });
    await client.poll(server, service);

    await register(server, service, '10.0.3.99', 80, { metadata });
    const packet = await client.next();
    expect(packet.gzipped).toBe(true);
    expect(packet.info.hosts).toHaveLength(11);
    expect(packet.bytes).toBeLessThan(packet.data.length);
  });

  it('coalesces changes within the window into one push, and a beat that changes nothing pushes nothing', async () => {
    const client = await receiver();
    const service = 'DEFAULT_GROUP@@udp-burst';
    await register(server, service, '10.0.4.1', 80);
    await client.poll(server, service);

    // Five registrations in one tick, straight on the registry: one push carries them all.
    const registry = server.app.get(Registry);
    for (let i = 2; i <= 6; i++) {
      registry.registerInstance({
        namespaceId: 'public',
        serviceName: service,
        clusterName: 'DEFAULT',
        ip: `10.0.4.${i}`,
        port: 80,
        weight: 1,
        enabled: true,
        healthy: true,
        ephemeral: true,
        metadata: {},
        app: 'DEFAULT',
      });
    }
    const packet = await client.next();
    expect(packet.info.hosts).toHaveLength(6);

    const beat = await nacos(server, 'PUT', '/instance/beat', {
      serviceName: service,
      beat: JSON.stringify({ ip: '10.0.4.1', port: 80, serviceName: service, cluster: 'DEFAULT' }),
    });
    expect(JSON.parse(beat.text).code).toBe(10200);
    await delay(300);
    expect(client.packets).toHaveLength(1);
  });

  it('builds each push for its target: clusters echoed, names bare for non-Java agents', async () => {
    const go = await receiver('string');
    const service = 'DEFAULT_GROUP@@udp-views';
    await register(server, service, '10.0.5.1', 80, { clusterName: 'A' });
    await register(server, service, '10.0.5.2', 80, { clusterName: 'B' });
    await go.poll(server, service, 'A', 'Nacos-Go-Client:v1.0.1');
    await go.poll(server, service, 'B', 'Nacos-Go-Client:v1.0.1');

    await register(server, service, '10.0.5.3', 80, { clusterName: 'A' });
    await go.next((p) => p.info.clusters === 'A');
    await delay(100);
    // Only cluster A's view changed in content, but both views are pushed: each is what that poll would return.
    const views = new Map(go.packets.map((p) => [p.info.clusters, p.info]));
    expect(
      views
        .get('A')
        ?.hosts.map((h) => h.ip)
        .sort(),
    ).toEqual(['10.0.5.1', '10.0.5.3']);
    expect(views.get('B')?.hosts.map((h) => h.ip)).toEqual(['10.0.5.2']);
    expect((views.get('A') as unknown as { dom: string }).dom).toBe('udp-views');
  });

  it('stops pushing to a target that stops polling, and no longer lists it as a subscriber', async () => {
    const stale = await receiver();
    const fresh = await receiver();
    const service = 'DEFAULT_GROUP@@udp-expiry';
    await register(server, service, '10.0.6.1', 80);
    await stale.poll(server, service);
    await fresh.poll(server, service);
    expect(await subscriberPorts(server, service)).toEqual([fresh.port, stale.port].sort());

    // The fresh client keeps polling; the stale one does not, and expires after the TTL.
    const deadline = performance.now() + TARGET_TTL_MS + 300;
    while (performance.now() < deadline) {
      await delay(250);
      await fresh.poll(server, service);
    }
    expect(await subscriberPorts(server, service)).toEqual([fresh.port]);
    await register(server, service, '10.0.6.2', 80);
    await fresh.next();
    await delay(100);
    expect(stale.packets).toHaveLength(0);
  });

  it('reports push figures on /operator/push/state and /metrics', async () => {
    const state = await pushState(server);
    expect(state.total).toBeGreaterThan(0);
    expect(state.succeed).toBeGreaterThan(0);
    expect(state.ratio).toBeCloseTo(state.succeed / state.total, 5);

    const text = await metricsText(server);
    expect(sample(text, 'beacon_push_sent_total{channel="udp"}')).toBeGreaterThanOrEqual(state.total);
    expect(sample(text, 'beacon_push_acked_total{channel="udp"}')).toBeGreaterThan(0);
    expect(sample(text, 'beacon_push_udp_targets')).toBeGreaterThan(0);
    expect(sample(text, 'beacon_push_latency_seconds_count{channel="udp"}')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE beacon_push_latency_seconds histogram');

    const reset = JSON.parse((await nacos(server, 'GET', '/operator/push/state', { reset: true })).text);
    expect(reset.reset).toBe(true);
    expect(await pushState(server)).toMatchObject({ total: 0, succeed: 0, ratio: 0 });
  });
});

async function pushState(server: InProcessServer): Promise<{ succeed: number; total: number; ratio: number }> {
  return JSON.parse((await nacos(server, 'GET', '/operator/push/state', {})).text);
}

async function subscriberPorts(server: InProcessServer, serviceName: string): Promise<number[]> {
  const { text } = await nacos(server, 'GET', '/service/subscribers', { serviceName });
  const body = JSON.parse(text) as { subscribers: { addrStr: string; ip: string }[]; count: number };
  expect(body.count).toBe(body.subscribers.length);
  return body.subscribers.map((s) => Number(s.addrStr.split(':')[1])).sort();
}
