import { describe, expect, it } from 'vitest';
import { BeatProcessor, MemoryStore, Registry } from '@beacon/core';
import { FakeClock, registerCommand, testAddress } from '@beacon/core/testing';
import { ConnectionRegistrations } from './connection-registrations.js';
import { holdingNodeOf } from './held-connection-id.js';
import { EmbeddedStateBackend, type StateBackend } from './state-backend.js';

function setup(node?: string) {
  const registry = new Registry({ clock: new FakeClock(), store: new MemoryStore() });
  const embedded = new EmbeddedStateBackend(registry, new BeatProcessor(registry));
  const backend: StateBackend = node === undefined ? embedded : { ...embedded, apply: embedded.apply, node };
  const hosts = () =>
    [...(registry.findService('public', testAddress().serviceName)?.instances() ?? [])].map((i) => i.port).sort();
  return { registry, registrations: new ConnectionRegistrations(backend), hosts };
}

const at = (port: number) => registerCommand({ port });
const address = (port: number) => ({ ...testAddress({ port }), ephemeral: true });

describe('ConnectionRegistrations (Nacos 2.x publishers)', () => {
  it('a register replaces what the connection published for the service; a batch replaces it too', async () => {
    const { registrations, hosts } = setup();
    await registrations.register('c1', at(1));
    await registrations.register('c1', at(2));
    expect(hosts()).toEqual([2]);
    await registrations.batchRegister('c1', [at(3), at(4)]);
    expect(hosts()).toEqual([3, 4]);
  });

  it('connections publish side by side, and a closed one takes only its own instances', async () => {
    const { registrations, hosts, registry } = setup();
    await registrations.register('c1', at(1));
    await registrations.register('c2', at(2));
    expect(registry.findInstance(testAddress({ port: 1 }))?.connectionId).toBe('c1');
    await registrations.releaseAll('c1');
    expect(hosts()).toEqual([2]);
  });

  it('deregisters only instances the connection holds', async () => {
    const { registrations, hosts } = setup();
    await registrations.register('c1', at(1));
    await registrations.register('c2', at(2));
    await registrations.deregister('c1', address(2));
    expect(hosts()).toEqual([1, 2]);
    await registrations.deregister('c1', address(1));
    expect(hosts()).toEqual([2]);
  });

  it('leaves an instance that HTTP registered again since: beats hold it now', async () => {
    const { registrations, hosts, registry } = setup();
    await registrations.register('c1', at(1));
    registry.registerInstance(at(1));
    await registrations.releaseAll('c1');
    expect(hosts()).toEqual([1]);
  });

  it('persistent instances are not held by the connection', async () => {
    const { registrations, hosts } = setup();
    await registrations.register('c1', registerCommand({ port: 5, ephemeral: false }));
    await registrations.releaseAll('c1');
    expect(hosts()).toEqual([5]);
    await expect(registrations.batchRegister('c1', [registerCommand({ port: 6, ephemeral: false })])).rejects.toThrow(
      /ephemeral instances only/,
    );
  });

  it("applies one connection's changes in the order they came, a close after its registrations", async () => {
    const { registrations, hosts } = setup();
    const pending = [registrations.register('c1', at(1)), registrations.batchRegister('c1', [at(2), at(3)])];
    const closed = registrations.releaseAll('c1');
    await Promise.all([...pending, closed]);
    expect(hosts()).toEqual([]);
  });

  it('in a cluster, the instance names the node holding its connection', async () => {
    const { registrations, registry } = setup('node-a:42:abcd');
    await registrations.register('1700000000000_127.0.0.1_5000', at(1));
    const held = registry.findInstance(testAddress({ port: 1 }))?.connectionId;
    expect(holdingNodeOf(held)).toBe('node-a:42:abcd');
    expect(holdingNodeOf('1700000000000_127.0.0.1_5000')).toBeUndefined();
    await registrations.releaseAll('1700000000000_127.0.0.1_5000');
    expect(registry.findInstance(testAddress({ port: 1 }))).toBeUndefined();
  });
});
