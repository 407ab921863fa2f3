/**
 * Issue 21, item 6: a gRPC subscriber that acknowledges its pushes is not cut off while a ~1 MB
 * service churns (one push per service is in flight per subscriber; a newer change waits for the
 * ack), and it ends up with the last state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '@beacon/core';
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';
import { NacosGrpcServer } from '../support/built-internals.js';
import { RawClient } from '../grpc/support/raw-client.js';

const INSTANCES = 100;
/** 100 instances x 10 KiB metadata: about 1 MB per push. */
const BLOB = 'm'.repeat(10 * 1024);

describe('gRPC pushes of a large service under churn', () => {
  let server: InProcessServer;
  const clients: RawClient[] = [];

  beforeAll(async () => {
    server = await startInProcessServer({ env: { BEACON_PUSH_COALESCE_MS: '5' } });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('a subscriber that acks keeps its connection and gets the last state', async () => {
    const registry = server.app.get(Registry);
    const instance = (i: number, n: number) => ({
      namespaceId: 'public',
      serviceName: 'DEFAULT_GROUP@@big',
      clusterName: 'DEFAULT',
      ip: `127.0.0.${(i % 250) + 1}`,
      port: 1000 + i,
      weight: 1,
      enabled: true,
      healthy: true,
      ephemeral: true,
      metadata: { blob: BLOB, n: String(n) },
      app: 'DEFAULT',
    });
    for (let i = 0; i < INSTANCES; i++) registry.registerInstance(instance(i, 0));

    const client = new RawClient(server.app.get(NacosGrpcServer).port!);
    clients.push(client);
    await client.connect();
    const reply = await client.request('SubscribeServiceRequest', {
      namespace: 'public',
      serviceName: 'big',
      groupName: 'DEFAULT_GROUP',
      subscribe: true,
      clusters: '',
    });
    expect(reply.type).toBe('SubscribeServiceResponse');

    // 150 changes, one every few milliseconds: 150 MB if each were pushed.
    const CHANGES = 150;
    for (let n = 1; n <= CHANGES; n++) {
      registry.updateInstance(instance(n % INSTANCES, n), false);
      await new Promise((r) => setTimeout(r, 3));
    }
    const lastN = (): string | undefined => {
      const pushes = client.received.filter((m) => m.type === 'NotifySubscriberRequest');
      const info = pushes.at(-1)?.body['serviceInfo'] as { hosts: { metadata: { n: string } }[] } | undefined;
      return info?.hosts.find((h) => h.metadata.n === String(CHANGES))?.metadata.n;
    };
    for (const deadline = Date.now() + 20_000; lastN() !== String(CHANGES);) {
      if (Date.now() > deadline) throw new Error('the last state never arrived');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(client.ended).toBe(false);
    const pushes = client.received.filter((m) => m.type === 'NotifySubscriberRequest').length;
    expect(pushes).toBeLessThan(CHANGES);
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(metrics).not.toMatch(/beacon_grpc_cutoffs_total [1-9]/);
  }, 60_000);
});
