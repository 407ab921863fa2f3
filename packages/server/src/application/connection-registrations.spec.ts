import { describe, expect, it } from 'vitest';
import { MemoryStore, Registry } from '@beacon/core';
import { FakeClock, registerCommand, testAddress } from '@beacon/core/testing';
import { ConnectionRegistrations } from './connection-registrations.js';

function setup() {
  const registry = new Registry({ clock: new FakeClock(), store: new MemoryStore() });
  const hosts = () =>
    [...(registry.findService('public', testAddress().serviceName)?.instances() ?? [])].map((i) => i.port).sort();
  return { registry, registrations: new ConnectionRegistrations(registry), hosts };
}

const at = (port: number) => registerCommand({ port });
const address = (port: number) => ({ ...testAddress({ port }), ephemeral: true });

describe('ConnectionRegistrations (Nacos 2.x publishers)', () => {
  it('a register replaces what the connection published for the service; a batch replaces it too', () => {
    const { registrations, hosts } = setup();
    registrations.register('c1', at(1));
    registrations.register('c1', at(2));
    expect(hosts()).toEqual([2]);
    registrations.batchRegister('c1', [at(3), at(4)]);
    expect(hosts()).toEqual([3, 4]);
  });

  it('connections publish side by side, and a closed one takes only its own instances', () => {
    const { registrations, hosts, registry } = setup();
    registrations.register('c1', at(1));
    registrations.register('c2', at(2));
    expect(registry.findInstance(testAddress({ port: 1 }))?.connectionId).toBe('c1');
    registrations.releaseAll('c1');
    expect(hosts()).toEqual([2]);
  });

  it('deregisters only instances the connection holds', () => {
    const { registrations, hosts } = setup();
    registrations.register('c1', at(1));
    registrations.register('c2', at(2));
    registrations.deregister('c1', address(2));
    expect(hosts()).toEqual([1, 2]);
    registrations.deregister('c1', address(1));
    expect(hosts()).toEqual([2]);
  });

  it('leaves an instance that HTTP registered again since: beats hold it now', () => {
    const { registrations, hosts, registry } = setup();
    registrations.register('c1', at(1));
    registry.registerInstance(at(1));
    registrations.releaseAll('c1');
    expect(hosts()).toEqual([1]);
  });

  it('persistent instances are not held by the connection', () => {
    const { registrations, hosts } = setup();
    registrations.register('c1', registerCommand({ port: 5, ephemeral: false }));
    registrations.releaseAll('c1');
    expect(hosts()).toEqual([5]);
    expect(() => registrations.batchRegister('c1', [registerCommand({ port: 6, ephemeral: false })])).toThrow(
      /ephemeral instances only/,
    );
  });
});
