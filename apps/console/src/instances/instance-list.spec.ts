import { describe, expect, it } from 'vitest';
import type { InstanceDto } from '@beacon/sdk/admin';
import { compareIps, instancePage, matchingInstances, servingCounts } from './instance-list.js';

function instance(ip: string, healthy = true, clusterName = 'DEFAULT', port = 80): InstanceDto {
  return {
    instanceId: `${ip}#${port}`,
    ip,
    port,
    clusterName,
    healthy,
    enabled: true,
    ephemeral: true,
    weight: 1,
    metadata: {},
    overrides: {},
    client: { weight: 1, enabled: true, metadata: {} },
    weightOverridden: false,
    enabledOverridden: false,
    lastBeat: 0,
    registeredAt: 0,
    timings: {
      intervalMs: 5000,
      timeoutMs: 15000,
      deleteTimeoutMs: 30000,
      intervalFromMetadata: false,
      intervalSource: 'server',
    },
  } as InstanceDto;
}

const filters = { address: '', health: 'all', cluster: '', page: 1, pageSize: 50 } as const;

describe('compareIps', () => {
  it('sorts IPv4 addresses by value, not as text', () => {
    const ips = ['127.0.0.100', '127.0.0.9', '127.0.0.10', '127.0.1.1', 'fe80::1'];
    expect([...ips].sort(compareIps)).toEqual(['127.0.0.9', '127.0.0.10', '127.0.0.100', '127.0.1.1', 'fe80::1']);
  });
});

describe('instancePage', () => {
  const all = Array.from({ length: 120 }, (_, i) => instance(`127.0.0.${i + 1}`, i !== 99, i % 2 ? 'A' : 'B'));

  it('puts unhealthy instances first and pages the rest in numeric order', () => {
    const page = instancePage(all, filters);
    expect(page.pages).toBe(3);
    expect(page.items.map((i) => i.ip).slice(0, 3)).toEqual(['127.0.0.100', '127.0.0.1', '127.0.0.2']);
  });

  it('filters by address, health and cluster, and clamps a page past the end', () => {
    expect(instancePage(all, { ...filters, address: '.10' }).items.map((i) => i.ip)).toEqual([
      '127.0.0.100',
      '127.0.0.10',
      ...Array.from({ length: 9 }, (_, i) => `127.0.0.10${i + 1}`),
    ]);
    expect(instancePage(all, { ...filters, health: 'unhealthy' }).total).toBe(1);
    expect(instancePage(all, { ...filters, cluster: 'A' }).total).toBe(60);
    const clamped = instancePage(all, { ...filters, page: 99 });
    expect(clamped.page).toBe(3);
    expect(clamped.items).toHaveLength(20);
  });
});

describe('matchingInstances', () => {
  const tagged = (ip: string, metadata: Record<string, string>, extra: Partial<InstanceDto> = {}) =>
    ({ ...instance(ip), metadata, ...extra }) as InstanceDto;
  const all = [
    tagged('127.0.0.1', { zone: 'a' }, { weight: 1, lastBeat: 30 }),
    tagged('127.0.0.2', { zone: 'b' }, { weight: 5, lastBeat: 10 }),
    tagged('127.0.0.3', {}, { weight: 3, lastBeat: 20 }),
  ];

  it('filters by metadata key=value, or by a key alone', () => {
    expect(matchingInstances(all, { ...filters, metadata: 'zone=b' }).map((i) => i.ip)).toEqual(['127.0.0.2']);
    expect(matchingInstances(all, { ...filters, metadata: ' zone ' }).map((i) => i.ip)).toEqual([
      '127.0.0.1',
      '127.0.0.2',
    ]);
    expect(matchingInstances(all, { ...filters, metadata: 'zone=' })).toEqual([]);
  });

  it('sorts in the order chosen', () => {
    const order = (sort: 'weight' | 'silence' | 'address') =>
      matchingInstances(all, { ...filters, sort }).map((i) => i.ip.slice(-1));
    expect(order('weight')).toEqual(['2', '3', '1']);
    expect(order('silence')).toEqual(['2', '3', '1']);
    expect(order('address')).toEqual(['1', '2', '3']);
  });

  it('counts a disabled instance as not serving, healthy or not', () => {
    const disabled = { ...instance('127.0.0.4'), enabled: false } as InstanceDto;
    expect(servingCounts([...all, disabled, instance('127.0.0.5', false)])).toEqual({ serving: 3, disabled: 1 });
  });
});
