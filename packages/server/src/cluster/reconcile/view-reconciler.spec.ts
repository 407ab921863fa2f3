import { MemoryStore, Registry } from '@beacon/core';
import { FakeClock, registerCommand } from '@beacon/core/testing';
import { describe, expect, it } from 'vitest';
import { WriteGate } from '../write-path/write-gate.js';
import { ViewReconciler, type ViewReconcilerDeps } from './view-reconciler.js';

const SVC = 'DEFAULT_GROUP@@orders';

/** A view and what the engines hold, the tail and the engines as fakes: each records what was asked of it. */
function setup(overrides: Partial<ViewReconcilerDeps> = {}) {
  const clock = new FakeClock(0);
  const view = new Registry({ clock, store: new MemoryStore() });
  const engines = new Registry({ clock, store: new MemoryStore() });
  const calls: string[] = [];
  const warnings: string[] = [];
  const tail = {
    position: '5-0',
    pause: () => void calls.push('pause'),
    resetTo: (id: string) => void calls.push(`resetTo ${id}`),
  };
  const gate = new WriteGate();
  const reconciler = new ViewReconciler({
    view,
    gate,
    tail,
    probe: () => Promise.resolve(),
    load: (only) => {
      calls.push(only ? `load ${only.map((s) => s.serviceName).join(' ')}` : 'load');
      return Promise.resolve({ registry: engines, tip: '9-0' });
    },
    announce: () => {
      calls.push('announce');
      return Promise.resolve();
    },
    warn: (message) => warnings.push(message),
    ...overrides,
  });
  return { clock, view, engines, calls, warnings, gate, reconciler };
}

describe('ViewReconciler', () => {
  it('brings the view to what the engines hold and tails on from the loaded position', async () => {
    const { view, engines, calls, warnings, gate, reconciler } = setup();
    view.registerInstance(registerCommand({ serviceName: SVC, port: 1 })); // applied here, never stored
    engines.registerInstance(registerCommand({ serviceName: SVC, port: 2 })); // missed by this view
    await reconciler.request('a durable write failed');
    expect(gate.tryEnter()).toBe(true);
    expect([...view.findService('public', SVC)!.instances()].map((i) => i.port)).toEqual([2]);
    expect(calls).toEqual(['pause', 'load', 'resetTo 9-0']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /\(a durable write failed\): 2 difference\(s\) fixed in \d+ ms, tailing again from 9-0$/,
    );
  });

  it('reloads just the services asked for, and tails on from where it paused so the others miss nothing', async () => {
    const { view, engines, calls, warnings, reconciler } = setup();
    const OTHER = 'DEFAULT_GROUP@@other';
    view.registerInstance(registerCommand({ serviceName: SVC, port: 1 }));
    view.registerInstance(registerCommand({ serviceName: OTHER, port: 3 })); // not compared
    engines.registerInstance(registerCommand({ serviceName: SVC, port: 2 }));
    const orders = { namespaceId: 'public', serviceName: SVC };
    await reconciler.request('a newer node changed orders', false, [orders]);
    const ports = (name: string) => [...(view.findService('public', name)?.instances() ?? [])].map((i) => i.port);
    expect(ports(SVC)).toEqual([2]);
    expect(ports(OTHER)).toEqual([3]);
    expect(calls).toEqual(['pause', `load ${SVC}`, 'resetTo 5-0']);
    expect(warnings[0]).toContain(
      `reconciled ${SVC} in this node's view with the engines (a newer node changed orders)`,
    );
    // Requests during a run make one more: of the whole view when one of them asks for it.
    const running = reconciler.request('orders', false, [orders]);
    void reconciler.request('orders again', false, [orders]);
    void reconciler.request('everything');
    await running;
    expect(calls.slice(3)).toEqual(['pause', `load ${SVC}`, 'resetTo 5-0', 'pause', 'load', 'resetTo 9-0']);
    expect(ports(OTHER)).toEqual([]);
  });

  it('asks the other nodes too when the change may have reached them', async () => {
    const { calls, warnings, reconciler } = setup();
    await reconciler.request('appended but not committed', true);
    expect(calls).toEqual(['pause', 'load', 'announce', 'resetTo 9-0']);
    expect(warnings[0]).toContain('asked the other nodes to reconcile too');
  });

  it('retries with a growing back-off while the engines are down, and and a request during a run asks for one more', async () => {
    let down = true;
    const probes: number[] = [];
    const { clock, calls, warnings, reconciler } = setup({
      probe: () => {
        probes.push(clock.now());
        return down ? Promise.reject(new Error('Connection is closed.')) : Promise.resolve();
      },
    });
    const first = reconciler.request('first');
    const second = reconciler.request('second');
    expect(second).toBe(first);
    const settle = () => new Promise((r) => setImmediate(r));
    await settle();
    expect(warnings).toEqual(["reconciling this node's view failed (Connection is closed.); retrying in 200 ms"]);
    clock.advance(200);
    await settle();
    expect(warnings.at(-1)).toContain('retrying in 400 ms');
    down = false;
    clock.advance(400);
    await first;
    expect(probes).toEqual([0, 200, 600, 600]);
    expect(calls).toEqual(['pause', 'load', 'resetTo 9-0', 'pause', 'load', 'resetTo 9-0']);
    expect(warnings.at(-2)).toContain('(first)');
    expect(warnings.at(-1)).toContain('(second)');
  });

  it('resumes the tail where it was when the load fails, and opens the gate again', async () => {
    const { calls, gate, reconciler, clock } = setup({
      load: () => Promise.reject(new Error('PostgreSQL is unavailable')),
    });
    void reconciler.request('why');
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(['pause', 'resetTo 5-0']);
    expect(gate.tryEnter()).toBe(true);
    reconciler.stop();
    clock.advance(200);
  });
});
