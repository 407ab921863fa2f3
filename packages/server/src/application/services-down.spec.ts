import { MemoryStore, Registry, type Service } from '@beacon/core';
import { FakeClock, registerCommand, testAddress } from '@beacon/core/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { ServiceOutages } from './service-outages.js';
import { ServicesDown } from './services-down.js';
import { LISTED_DOWN_SERVICES, registerServicesDownMetrics } from './services-down-metrics.js';

const VISIBLE_MS = 60_000;
let clock: FakeClock;
let registry: Registry;
let outages: ServiceOutages;
let down: ServicesDown;

const at = (port: number, serviceName = 'DEFAULT_GROUP@@demo') => testAddress({ port, serviceName });
const register = (port: number, serviceName?: string) =>
  registry.registerInstance(registerCommand(at(port, serviceName)));
const instance = (port: number) => registry.findInstance(at(port))!;
const summary = () => down.current().map((s) => `${s.namespaceId}/${s.serviceName} ${s.reason} ${s.since}`);

beforeEach(() => {
  clock = new FakeClock(1_000_000);
  registry = new Registry({ clock, store: new MemoryStore() });
  outages = new ServiceOutages(registry, VISIBLE_MS);
  down = new ServicesDown(registry, outages);
  register(1);
  register(2);
});

describe('ServicesDown', () => {
  it('lists a service once none of its instances is healthy, from the change that did it, until one heals', () => {
    registry.setHealth(instance(1), false);
    expect(summary()).toEqual([]);
    clock.advance(1000);
    registry.setHealth(instance(2), false);
    clock.advance(5000);
    expect(summary()).toEqual(['public/DEFAULT_GROUP@@demo no_healthy_instances 1001000']);
    // still down: it keeps when it went down
    registry.updateService({
      namespaceId: 'public',
      serviceName: 'DEFAULT_GROUP@@demo',
      protectThreshold: 0.5,
      metadata: {},
      selector: { type: 'none' },
    });
    expect(summary()).toEqual(['public/DEFAULT_GROUP@@demo no_healthy_instances 1001000']);
    registry.setHealth(instance(1), true);
    expect(summary()).toEqual([]);
  });

  it('counts a healthy but disabled instance as serving nobody', () => {
    registry.setHealth(instance(1), false);
    registry.editInstance(at(2), { enabled: false });
    expect(summary()).toEqual(['public/DEFAULT_GROUP@@demo no_healthy_instances 1000000']);
    registry.editInstance(at(2), { enabled: null });
    expect(summary()).toEqual([]);
  });

  it('lists a service that lost every instance as such, for the outage time only', () => {
    registry.deregisterInstance({ ...at(1), ephemeral: true });
    clock.advance(10);
    registry.expireInstance(instance(2));
    expect(summary()).toEqual(['public/DEFAULT_GROUP@@demo lost_all_instances 1000010']);
    clock.advance(VISIBLE_MS);
    expect(summary()).toEqual([]);
  });

  it('forgets a deleted service', () => {
    registry.setHealth(instance(1), false);
    registry.setHealth(instance(2), false);
    expect(summary()).toHaveLength(1);
    registry.deleteService('public', 'DEFAULT_GROUP@@demo');
    expect(summary()).toEqual([]);
  });

  it('finds the services already down when it starts', () => {
    registry.setHealth(instance(1), false);
    registry.setHealth(instance(2), false);
    const late = new ServicesDown(registry, outages);
    expect(late.current().map((s) => s.reason)).toEqual(['no_healthy_instances']);
  });

  it('judges on a read only the services changed since the last one', () => {
    for (let i = 0; i < 50; i++) register(100 + i, `G@@other-${i}`);
    down.current();
    const judged = countInstancesRead(() => {
      registry.setHealth(instance(1), false);
      down.current();
    });
    // the changed service's two instances (the first one unhealthy, so the second is read too)
    expect(judged).toBe(2);
  });
});

describe('the alerting series', () => {
  function scrape(): string[] {
    const metrics = new MetricsRegistry();
    registerServicesDownMetrics(metrics, down);
    return metrics
      .render()
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));
  }

  it('counts by namespace and group, and lists each service down with its reason and since when', () => {
    expect(scrape()).toEqual(['beacon_services_down_unlisted 0']);
    registry.setHealth(instance(1), false);
    registry.setHealth(instance(2), false);
    registry.registerInstance(registerCommand({ ...testAddress({ namespaceId: 'eu', serviceName: 'pay@@billing' }) }));
    registry.deregisterInstance({
      ...testAddress({ namespaceId: 'eu', serviceName: 'pay@@billing' }),
      ephemeral: true,
    });
    expect(scrape()).toEqual([
      'beacon_services_no_healthy_instances{group="DEFAULT_GROUP",namespace="public"} 1',
      'beacon_services_lost_all_instances{group="pay",namespace="eu"} 1',
      'beacon_service_down_since_seconds{group="pay",namespace="eu",reason="lost_all_instances",service="billing"} 1000',
      'beacon_service_down_since_seconds{group="DEFAULT_GROUP",namespace="public",reason="no_healthy_instances",service="demo"} 1000',
      'beacon_services_down_unlisted 0',
    ]);
  });

  it(`lists at most ${LISTED_DOWN_SERVICES} services and counts the rest`, () => {
    for (let i = 0; i < LISTED_DOWN_SERVICES + 5; i++) {
      const address = testAddress({ serviceName: `G@@s-${String(i).padStart(3, '0')}` });
      registry.registerInstance(registerCommand({ ...address, healthy: false }));
    }
    const lines = scrape();
    expect(lines).toContain(
      `beacon_services_no_healthy_instances{group="G",namespace="public"} ${LISTED_DOWN_SERVICES + 5}`,
    );
    expect(lines.filter((l) => l.startsWith('beacon_service_down_since_seconds'))).toHaveLength(LISTED_DOWN_SERVICES);
    expect(lines).toContain('beacon_services_down_unlisted 5');
    expect(lines.some((l) => l.includes('service="s-000"'))).toBe(true);
    expect(lines.some((l) => l.includes('service="s-104"'))).toBe(false);
  });
});

/** How many instances `work` reads through Service.instances(), in every service of the registry. */
function countInstancesRead(work: () => void): number {
  let read = 0;
  const restore: (() => void)[] = [];
  for (const namespaceId of registry.namespaceIds()) {
    for (const service of registry.services(namespaceId)) {
      const original = service.instances.bind(service);
      (service as { instances: Service['instances'] }).instances = function* () {
        for (const i of original()) {
          read++;
          yield i;
        }
      };
      restore.push(() => delete (service as Partial<Service>).instances);
    }
  }
  try {
    work();
  } finally {
    for (const r of restore) r();
  }
  return read;
}
