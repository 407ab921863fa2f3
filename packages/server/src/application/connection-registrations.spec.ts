import { describe, expect, it } from 'vitest';
import { BeatProcessor, MemoryStore, Registry } from '@beacon/core';
import { FakeClock, registerCommand, testAddress } from '@beacon/core/testing';
import { ConnectionRegistrations } from './connection-registrations.js';
import { holdingNodeOf } from './held-connection-id.js';
import { EmbeddedStateBackend, type StateBackend } from './state-backend.js';

function setup(node?: string, otherNodes = 0) {
  const clock = new FakeClock();
  const registry = new Registry({ clock, store: new MemoryStore() });
  const embedded = new EmbeddedStateBackend(registry, new BeatProcessor(registry));
  const members = async () => [
    { node: node ?? '', address: '', self: true },
    ...Array.from({ length: otherNodes }, (_, i) => ({ node: `other-${i}`, address: '', self: false })),
  ];
  const backend: StateBackend =
    node === undefined ? embedded : { ...embedded, apply: embedded.apply.bind(embedded), node, members };
  const hosts = () =>
    [...(registry.findService('public', testAddress().serviceName)?.instances() ?? [])].map((i) => i.port).sort();
  return { registry, clock, registrations: new ConnectionRegistrations(backend), hosts };
}

/** Lets promise callbacks run (the fake clock does not wait for them). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

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

  describe('a clean stop in a cluster hands the clients over', () => {
    /** The reset: every connection closes, as the gRPC server's stop closes them. */
    const closeAll = (registrations: ConnectionRegistrations, ids: string[]) => async () => {
      await Promise.all(ids.map((id) => registrations.releaseAll(id)));
    };

    it('keeps what closed connections held until another node took it over, up to the bound; then releases the rest', async () => {
      const { registrations, registry, clock, hosts } = setup('node-a', 2);
      await registrations.register('c1', at(1));
      await registrations.register('c2', at(2));
      let done = false;
      const handedOver = registrations
        .handOver(10_000, closeAll(registrations, ['c1', 'c2']))
        .then(() => (done = true));
      await settle();
      expect(hosts()).toEqual([1, 2]);
      // c1's client registered again through node B; c2's never comes back.
      registry.registerInstance({ ...at(1), connectionId: 'node-b/c9' });
      clock.advance(9_999);
      await settle();
      expect(done).toBe(false);
      expect(hosts()).toEqual([1, 2]);
      clock.advance(1);
      await handedOver;
      expect(hosts()).toEqual([1]);
      expect(registry.findInstance(testAddress({ port: 1 }))?.connectionId).toBe('node-b/c9');
    });

    it('ends as soon as every instance is held by another node', async () => {
      const { registrations, registry, hosts } = setup('node-a', 1);
      await registrations.register('c1', at(1));
      const handedOver = registrations.handOver(10_000, closeAll(registrations, ['c1']));
      await settle();
      registry.registerInstance({ ...at(1), connectionId: 'node-b/c9' });
      await handedOver;
      expect(hosts()).toEqual([1]);
    });

    it('releases at once when no other node is live, or embedded', async () => {
      for (const { registrations, hosts } of [setup('node-a', 0), setup()]) {
        await registrations.register('c1', at(1));
        await registrations.handOver(10_000, closeAll(registrations, ['c1']));
        expect(hosts()).toEqual([]);
      }
    });
  });
});
