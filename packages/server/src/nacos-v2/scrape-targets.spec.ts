import { MemoryStore, Registry } from '@beacon/core';
import { FakeClock, registerCommand } from '@beacon/core/testing';
import { describe, expect, it } from 'vitest';
import { labelName, scrapeTargetGroups } from './scrape-targets.js';

describe('Prometheus target groups', () => {
  it('one group per instance: ip:port, the cluster, service metadata under instance metadata', () => {
    const registry = new Registry({ clock: new FakeClock(0), store: new MemoryStore() });
    registry.createService({
      namespaceId: 'public',
      serviceName: 'shop@@cart',
      protectThreshold: 0,
      metadata: { team: 'shop', 'metrics.path': '/m' },
      selector: { type: 'none' },
    });
    registry.registerInstance(
      registerCommand({
        serviceName: 'shop@@cart',
        ip: '127.0.0.5',
        port: 9100,
        clusterName: 'EU',
        metadata: { team: 'cart' },
      }),
    );
    const service = registry.findService('public', 'shop@@cart')!;
    expect(scrapeTargetGroups([service])).toEqual([
      {
        targets: ['127.0.0.5:9100'],
        labels: {
          team: 'cart',
          metrics_path: '/m',
          __meta_clusterName: 'EU',
          __meta_beacon_namespace: 'public',
          __meta_beacon_group: 'shop',
          __meta_beacon_service: 'cart',
        },
      },
    ]);
  });

  it.each([
    ['preserved.register.source', 'preserved_register_source'],
    ['app-tier', 'app_tier'],
    ['a/b c', 'a_b_c'],
    ['9lives', '_9lives'],
    ['ok_Name1', 'ok_Name1'],
  ])('label name of %j is %j (valid for Prometheus)', (key, name) => {
    expect(labelName(key)).toBe(name);
    expect(name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
  });
});
