import { MemoryStore, Registry } from '@beacon/core';
import { FakeClock, registerCommand } from '@beacon/core/testing';
import { describe, expect, it } from 'vitest';
import type { Mutation } from '../../application/state-backend.js';
import { creationKey, instanceAddressOf, isEphemeralTarget, takesEphemeralPath } from './mutation-routing.js';

const SVC = 'DEFAULT_GROUP@@orders';

function viewWithOneInstance() {
  const registry = new Registry({ clock: new FakeClock(0), store: new MemoryStore() });
  registry.registerInstance(registerCommand({ serviceName: SVC, ip: '127.0.0.1', port: 8080 }));
  registry.registerInstance(registerCommand({ serviceName: SVC, ip: '127.0.0.1', port: 5432, ephemeral: false }));
  return registry;
}

const register = (overrides: Parameters<typeof registerCommand>[0]): Mutation => ({
  kind: 'registerInstance',
  args: [registerCommand({ serviceName: SVC, ...overrides })],
});
const address = (port: number) => ({
  namespaceId: 'public',
  serviceName: SVC,
  clusterName: 'DEFAULT',
  ip: '127.0.0.1',
  port,
});

describe('mutation routing in cluster mode', () => {
  it('sends an ephemeral registration to Redis only once its service and cluster exist', () => {
    const view = viewWithOneInstance();
    expect(takesEphemeralPath(view, register({ ip: '127.0.0.2', port: 1 }))).toBe(true);
    // A new service or cluster is durable: the registration goes through PostgreSQL.
    expect(takesEphemeralPath(view, register({ serviceName: 'DEFAULT_GROUP@@new', port: 1 }))).toBe(false);
    expect(takesEphemeralPath(view, register({ clusterName: 'OTHER', port: 1 }))).toBe(false);
    expect(takesEphemeralPath(view, register({ port: 1, ephemeral: false }))).toBe(false);
  });

  it('sends a patch to Redis only for an ephemeral instance and without metadata', () => {
    const view = viewWithOneInstance();
    const patch = (port: number, metadata?: Record<string, string>): Mutation => ({
      kind: 'patchInstance',
      args: [{ ...address(port), weight: 2, ...(metadata ? { metadata } : {}) }],
    });
    expect(takesEphemeralPath(view, patch(8080))).toBe(true);
    expect(takesEphemeralPath(view, patch(8080, { zone: 'a' }))).toBe(false);
    expect(takesEphemeralPath(view, patch(5432))).toBe(false);
  });

  it('routes deregistration by its ephemeral flag, a manual health by the instance, and the rest durably', () => {
    const view = viewWithOneInstance();
    const deregister = (ephemeral: boolean): Mutation => ({
      kind: 'deregisterInstance',
      args: [{ ...address(8080), ephemeral }],
    });
    expect(takesEphemeralPath(view, deregister(true))).toBe(true);
    expect(takesEphemeralPath(view, deregister(false))).toBe(false);
    expect(takesEphemeralPath(view, { kind: 'setHealthManually', args: [address(8080), false] })).toBe(true);
    expect(takesEphemeralPath(view, { kind: 'setHealthManually', args: [address(5432), false] })).toBe(false);
    expect(takesEphemeralPath(view, { kind: 'deleteService', args: ['public', SVC] })).toBe(false);
  });

  it('names what an ephemeral registration creates, so that a second one waits for it', () => {
    expect(creationKey(register({ port: 1 }))).toBe(`public\u0000${SVC}\u0000DEFAULT`);
    expect(creationKey(register({ port: 1, ephemeral: false }))).toBeUndefined();
    expect(creationKey({ kind: 'deleteService', args: ['public', SVC] })).toBeUndefined();
  });

  it('finds the one instance a mutation changes, as a bare address, and whether Redis holds it', () => {
    const m = register({ ip: '127.0.0.3', port: 9, weight: 3, metadata: { zone: 'a' } });
    expect(instanceAddressOf(m)).toEqual({ ...address(9), ip: '127.0.0.3' });
    expect(isEphemeralTarget(m)).toBe(true);
    expect(isEphemeralTarget(register({ port: 9, ephemeral: false }))).toBe(false);
    expect(isEphemeralTarget({ kind: 'setHealthManually', args: [address(8080), true] })).toBe(true);
    const service: Mutation = { kind: 'deleteService', args: ['public', SVC] };
    expect(instanceAddressOf(service)).toBeUndefined();
    expect(isEphemeralTarget(service)).toBe(false);
  });
});
