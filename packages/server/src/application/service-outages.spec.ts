import { MemoryStore, NO_SELECTOR, Registry } from '@beacon/core';
import { FakeClock, registerCommand, testAddress } from '@beacon/core/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { ServiceOutages } from './service-outages.js';

const VISIBLE_MS = 60_000;
let clock: FakeClock;
let registry: Registry;
let outages: ServiceOutages;

const service = () => registry.getService('public', 'DEFAULT_GROUP@@demo');
const deregister = (port: number) => registry.deregisterInstance({ ...testAddress({ port }), ephemeral: true });

beforeEach(() => {
  clock = new FakeClock(1_000_000);
  registry = new Registry({ clock, store: new MemoryStore() });
  outages = new ServiceOutages(registry, VISIBLE_MS);
  registry.registerInstance(registerCommand({ ...testAddress({ port: 1 }) }));
  registry.registerInstance(registerCommand({ ...testAddress({ port: 2 }) }));
});

describe('ServiceOutages', () => {
  it('is not an outage while any instance is left', () => {
    deregister(1);
    expect(outages.since(service())).toBeUndefined();
  });

  it('records when the last instance went, and shows it for the configured time only', () => {
    deregister(1);
    clock.advance(500);
    deregister(2);
    const lostAt = clock.now();
    clock.advance(VISIBLE_MS - 1);
    expect(outages.since(service())).toBe(lostAt);
    clock.advance(1);
    expect(outages.since(service())).toBeUndefined();
  });

  it('ends when an instance comes back', () => {
    deregister(1);
    deregister(2);
    registry.registerInstance(registerCommand({ ...testAddress({ port: 3 }) }));
    expect(outages.since(service())).toBeUndefined();
  });

  it('a service created empty never had instances: no outage', () => {
    registry.createService({
      namespaceId: 'public',
      serviceName: 'DEFAULT_GROUP@@never',
      protectThreshold: 0,
      metadata: {},
      selector: NO_SELECTOR,
    });
    expect(outages.since(registry.getService('public', 'DEFAULT_GROUP@@never'))).toBeUndefined();
  });

  it('is forgotten with the service', () => {
    const deleted = service();
    deregister(1);
    deregister(2);
    expect(outages.since(deleted)).toBe(clock.now());
    registry.deleteService('public', 'DEFAULT_GROUP@@demo');
    expect(outages.since(deleted)).toBeUndefined();
  });
});
