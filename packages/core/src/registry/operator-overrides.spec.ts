import { describe, expect, it } from 'vitest';
import { BeatProcessor } from '../beat/beat-processor.js';
import { InvalidParameterError } from '../errors.js';
import type { ServiceChange } from '../events.js';
import { selectHosts } from '../host-list.js';
import { Registry } from '../registry.js';
import { MemoryStore, type OverrideRecord } from '../store.js';
import { FakeClock, lightBeat, registerCommand, testAddress } from '../testing/index.js';

const INTERVAL = 'preserved.heart.beat.interval';
const TIMEOUT = 'preserved.heart.beat.timeout';
const DELETE = 'preserved.ip.delete.timeout';

function setup(store = new MemoryStore(), clock = new FakeClock()) {
  const registry = new Registry({ clock, store });
  const changes: ServiceChange[] = [];
  registry.onChange((c) => changes.push(c));
  return { clock, store, registry, changes, beats: new BeatProcessor(registry) };
}

/** A store whose override writes can be made to fail, like a full disk. */
class FlakyStore extends MemoryStore {
  failing = false;
  override putOverride(record: OverrideRecord): void {
    if (this.failing) throw new Error('disk full');
    super.putOverride(record);
  }
}

const CLIENT = { weight: 2, enabled: true, metadata: { zone: 'a', [INTERVAL]: '5000' } };

describe('editInstance: one operator edit of weight, enabled and metadata', () => {
  it('applies all three at once: one revision, one change, the effective values and the override', () => {
    const { registry, changes } = setup();
    const instance = registry.registerInstance(registerCommand(CLIENT));
    const before = registry.currentRevision;
    changes.length = 0;
    registry.editInstance(testAddress(), { weight: 7, enabled: false, metadata: { zone: 'b', [INTERVAL]: '2000' } });
    expect(changes.map((c) => c.reason)).toEqual(['instance.updated']);
    expect(registry.currentRevision).toBe(before + 1);
    expect([instance.weight, instance.enabled]).toEqual([7, false]);
    expect(instance.metadata).toEqual({ zone: 'b', [INTERVAL]: '2000' });
    expect(registry.overrideFor(testAddress())).toEqual({
      weight: 7,
      enabled: false,
      metadata: { zone: 'b', [INTERVAL]: '2000' },
    });
  });

  it('shows effective values, the client values and what is overridden', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(registerCommand(CLIENT));
    expect(registry.overrideView(instance)).toEqual({
      effective: CLIENT,
      client: CLIENT,
      overridden: { weight: false, enabled: false, metadataKeys: [] },
    });
    registry.editInstance(testAddress(), { enabled: false, metadata: { zone: 'b', x: '1' } });
    expect(registry.overrideView(instance)).toEqual({
      effective: { weight: 2, enabled: false, metadata: { zone: 'b', [INTERVAL]: '5000', x: '1' } },
      client: CLIENT,
      overridden: { weight: false, enabled: true, metadataKeys: ['x', 'zone'] },
    });
  });

  it('keeps weight and enabled overrides when the client registers again with its own values', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(registerCommand(CLIENT));
    registry.editInstance(testAddress(), { weight: 0, enabled: false });
    registry.registerInstance(registerCommand({ ...CLIENT, weight: 3 }));
    expect([instance.weight, instance.enabled]).toEqual([0, false]);
    expect(registry.overrideView(instance).client.weight).toBe(3);
    // a disabled instance stays out of the host list across the re-registration
    expect(selectHosts(instance.service, { clusters: [], healthyOnly: false }).hosts).toEqual([]);
  });

  it('keeps them when a full beat re-registers the instance after it expired or was removed', () => {
    const { registry, beats } = setup();
    registry.registerInstance(registerCommand(CLIENT));
    registry.editInstance(testAddress(), { weight: 9, enabled: false });
    registry.deregisterInstance({ ...testAddress(), ephemeral: true });
    beats.beat({ ...lightBeat(), beat: { ip: '10.0.0.1', port: 8080, weight: 2 } });
    const back = registry.findInstance(testAddress())!;
    expect([back.weight, back.enabled]).toEqual([9, false]);
  });

  it('null removes an override and the client value shows again; absent fields are left alone', () => {
    const { registry, changes } = setup();
    const instance = registry.registerInstance(registerCommand(CLIENT));
    registry.editInstance(testAddress(), { weight: 7, enabled: false, metadata: { zone: 'b', extra: 'x' } });
    changes.length = 0;
    registry.editInstance(testAddress(), { weight: null, metadata: { zone: null } });
    expect([instance.weight, instance.enabled]).toEqual([2, false]);
    expect(instance.metadata).toEqual({ zone: 'a', [INTERVAL]: '5000', extra: 'x' });
    registry.editInstance(testAddress(), { enabled: null, metadata: { extra: null } });
    expect([instance.weight, instance.enabled]).toEqual([2, true]);
    expect(instance.metadata).toEqual(CLIENT.metadata);
    expect(registry.overrideFor(testAddress())).toBeUndefined();
    expect(changes).toHaveLength(2);
  });

  it('persists the override: a restart shows it on the persistent instance and on the ephemeral one once it registers', () => {
    const store = new MemoryStore();
    const clock = new FakeClock();
    const first = setup(store, clock).registry;
    first.registerInstance(registerCommand(CLIENT));
    first.registerInstance(registerCommand({ ...CLIENT, ephemeral: false, port: 9090 }));
    first.editInstance(testAddress(), { weight: 5, enabled: false });
    first.editInstance(testAddress({ port: 9090 }), { weight: 6, enabled: false });
    expect(store.load().instances[0]).toMatchObject({ weight: 2, enabled: true }); // the client's own

    clock.advance(1000);
    const restarted = setup(store, clock).registry;
    const persistent = restarted.findInstance(testAddress({ port: 9090 }))!;
    expect([persistent.weight, persistent.enabled]).toEqual([6, false]);
    expect(restarted.overrideView(persistent).client).toMatchObject({ weight: 2, enabled: true });
    const ephemeral = restarted.registerInstance(registerCommand(CLIENT));
    expect([ephemeral.weight, ephemeral.enabled]).toEqual([5, false]);

    restarted.editInstance(testAddress({ port: 9090 }), { weight: null, enabled: null });
    expect([persistent.weight, persistent.enabled]).toEqual([2, true]);
    expect(store.load().overrides.map((o) => o.port)).toEqual([8080]);
  });

  it('refuses a bad weight or a missing instance and changes nothing', () => {
    const { registry, changes, store } = setup();
    const instance = registry.registerInstance(registerCommand(CLIENT));
    changes.length = 0;
    expect(() => registry.editInstance(testAddress(), { weight: 10001, enabled: false })).toThrow(
      'The weights range from 0.0 to 10000.0',
    );
    expect(() => registry.editInstance(testAddress({ port: 1 }), { weight: 1 })).toThrow('not found');
    expect([instance.weight, instance.enabled, changes.length, store.load().overrides.length]).toEqual([2, true, 0, 0]);
  });

  it('puts everything back when the store refuses the override', () => {
    const store = new FlakyStore();
    const { registry, changes } = setup(store);
    const instance = registry.registerInstance(registerCommand(CLIENT));
    registry.editInstance(testAddress(), { weight: 4 });
    store.failing = true;
    changes.length = 0;
    expect(() => registry.editInstance(testAddress(), { weight: 8, enabled: false, metadata: { zone: 'z' } })).toThrow(
      'disk full',
    );
    expect([instance.weight, instance.enabled, instance.metadata]).toEqual([4, true, CLIENT.metadata]);
    expect(registry.overrideFor(testAddress())).toEqual({ weight: 4, metadata: {} });
    expect(changes).toEqual([]);
  });
});

describe('Nacos edits (PUT and PATCH /instance) of weight and enabled', () => {
  it('a value that differs from the client becomes an override; the client value itself clears it', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(registerCommand(CLIENT));
    registry.updateInstance(registerCommand({ ...CLIENT, weight: 5, enabled: false }), true);
    registry.registerInstance(registerCommand(CLIENT));
    expect([instance.weight, instance.enabled]).toEqual([5, false]);
    registry.updateInstance(registerCommand(CLIENT), true);
    expect(registry.overrideFor(testAddress())).toBeUndefined();
    registry.registerInstance(registerCommand({ ...CLIENT, weight: 3 }));
    expect([instance.weight, instance.enabled]).toEqual([3, true]);
  });

  it('PATCH changes only the fields it is given', () => {
    const { registry } = setup();
    const instance = registry.registerInstance(registerCommand(CLIENT));
    registry.patchInstance({ ...testAddress(), enabled: false });
    registry.patchInstance({ ...testAddress(), weight: 6 });
    registry.registerInstance(registerCommand(CLIENT));
    expect([instance.weight, instance.enabled]).toEqual([6, false]);
    expect(registry.overrideFor(testAddress())).toEqual({ weight: 6, enabled: false, metadata: {} });
  });
});

describe('timing overrides are bounded to 1 s .. 1 h on every face', () => {
  const edits = {
    'editInstance (native API, console)': (r: Registry, value: string) =>
      r.editInstance(testAddress(), { metadata: { [INTERVAL]: value } }),
    'updateInstance (Nacos PUT)': (r: Registry, value: string) =>
      r.updateInstance(registerCommand({ metadata: { [INTERVAL]: value } }), true),
    'patchInstance (Nacos PATCH)': (r: Registry, value: string) =>
      r.patchInstance({ ...testAddress(), metadata: { [INTERVAL]: value } }),
    'batchMetadata (Nacos batch)': (r: Registry, value: string) =>
      r.batchMetadata('public', testAddress().serviceName, 'ephemeral', { [INTERVAL]: value }, 'merge'),
  };

  it.each(Object.entries(edits))('%s: refuses 999, 3600001 and 2s with the key, value and bounds', (_, edit) => {
    const { registry, changes } = setup();
    const instance = registry.registerInstance(registerCommand());
    changes.length = 0;
    for (const value of ['999', '1', '0', '3600001', '2s', '-5', '1.5']) {
      expect(() => edit(registry, value)).toThrow(
        new InvalidParameterError(
          `${INTERVAL} must be a whole number of milliseconds from 1000 to 3600000 (1 second to 1 hour), got: ${value}`,
        ),
      );
    }
    expect(instance.metadata).toEqual({});
    expect(changes).toEqual([]);
  });

  it.each(Object.entries(edits))('%s: accepts the bounds themselves', (_, edit) => {
    const { registry, beats } = setup();
    registry.registerInstance(registerCommand({ metadata: { [TIMEOUT]: '7200000', [DELETE]: '7200001' } }));
    edit(registry, '1000');
    expect(beats.beat(lightBeat()).clientBeatInterval).toBe(1000);
    edit(registry, '3600000');
    expect(beats.beat(lightBeat()).clientBeatInterval).toBe(3_600_000);
  });

  it('bounds the unhealthy and delete timeouts too', () => {
    const { registry } = setup();
    registry.registerInstance(registerCommand());
    expect(() => registry.editInstance(testAddress(), { metadata: { [TIMEOUT]: '500' } })).toThrow(
      `${TIMEOUT} must be a whole number of milliseconds from 1000`,
    );
    expect(() => registry.patchInstance({ ...testAddress(), metadata: { [DELETE]: '3600001' } })).toThrow(
      `${DELETE} must be a whole number of milliseconds from 1000`,
    );
  });

  it('never refuses a client registration, nor an edit that leaves the timing alone', () => {
    const { registry, beats } = setup();
    const instance = registry.registerInstance(registerCommand({ metadata: { [INTERVAL]: '1' } }));
    // Registered as the client asked; the beat reply holds it to the bounds (beat-interval.ts).
    expect(beats.beat(lightBeat()).clientBeatInterval).toBe(1000);
    registry.editInstance(testAddress(), { weight: 3, metadata: { zone: 'b' } });
    registry.updateInstance(registerCommand({ metadata: { [INTERVAL]: '1', zone: 'c' } }), true);
    expect(instance.metadata).toEqual({ [INTERVAL]: '1', zone: 'c' });
    // and removing an override never needs a bound
    registry.editInstance(testAddress(), { metadata: { [INTERVAL]: '2000' } });
    registry.editInstance(testAddress(), { metadata: { [INTERVAL]: null } });
    expect(beats.beat(lightBeat()).clientBeatInterval).toBe(1000);
    expect(instance.metadata[INTERVAL]).toBe('1');
  });

  it('the native edit also keeps interval < timeout < delete timeout', () => {
    const { registry } = setup();
    registry.registerInstance(registerCommand());
    expect(() => registry.editInstance(testAddress(), { metadata: { [INTERVAL]: '20000' } })).toThrow(
      `${INTERVAL} (20000) must be less than ${TIMEOUT} (15000)`,
    );
    registry.editInstance(testAddress(), { metadata: { [INTERVAL]: '20000', [TIMEOUT]: '25000', [DELETE]: '40000' } });
  });
});
