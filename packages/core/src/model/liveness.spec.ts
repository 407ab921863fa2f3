import { describe, expect, it } from 'vitest';
import { ExpiryScheduler } from '../expiry/expiry-scheduler.js';
import { Registry } from '../registry.js';
import { MemoryStore } from '../store.js';
import { FakeClock, registerCommand, testAddress } from '../testing/index.js';
import { livenessOf } from './liveness.js';

function setup() {
  const clock = new FakeClock();
  const registry = new Registry({ clock, store: new MemoryStore() });
  const expiry = new ExpiryScheduler(registry, { tickMs: 1, startupDeleteGraceMs: 0 });
  expiry.start();
  return { clock, registry, expiry };
}

describe('connection-held instances', () => {
  it('are never expired by missing beats', () => {
    const { clock, registry, expiry } = setup();
    const instance = registry.registerInstance(registerCommand({ connectionId: 'c1' }));
    expect(livenessOf(instance)).toBe('connection');
    expect(expiry.queued).toBe(0);
    clock.advance(10 * 60_000);
    expect(registry.findInstance(testAddress())).toBe(instance);
    expect(instance.healthy).toBe(true);
  });

  it('become beat-held when re-registered without a connection, and then expire', () => {
    const { clock, registry, expiry } = setup();
    registry.registerInstance(registerCommand({ connectionId: 'c1' }));
    const instance = registry.registerInstance(registerCommand());
    expect(livenessOf(instance)).toBe('heartbeat');
    expect(expiry.queued).toBe(1);
    clock.advance(30_001);
    expect(registry.findInstance(testAddress())).toBeUndefined();
  });

  it('are healthy again when a connection registers them again (a cluster node taken for dead marked them)', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(registerCommand({ connectionId: 'a/c1' }));
    registry.setHealth(instance, false);
    registry.registerInstance(registerCommand({ connectionId: 'b/c2' }));
    expect(instance.healthy).toBe(true);
    expect(instance.connectionId).toBe('b/c2');
    // A beating instance keeps its health on re-register: its beats decide.
    registry.registerInstance(registerCommand());
    registry.setHealth(instance, false);
    registry.registerInstance(registerCommand());
    expect(instance.healthy).toBe(false);
  });

  it('persistent instances are actively checked, whoever registered them', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(registerCommand({ ephemeral: false, connectionId: 'c1' }));
    expect(livenessOf(instance)).toBe('active-check');
    expect(instance.connectionId).toBeUndefined();
  });
});
