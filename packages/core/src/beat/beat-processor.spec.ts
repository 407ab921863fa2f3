import { describe, expect, it } from 'vitest';
import type { ServiceChange } from '../events.js';
import { Registry } from '../registry.js';
import { MemoryStore } from '../store.js';
import { FakeClock, lightBeat, registerCommand, TEST_SERVICE, testAddress } from '../testing/index.js';
import { REREGISTER_BEAT_INTERVAL_MS } from './beat-interval.js';
import { BEAT_NOT_FOUND, BEAT_OK, BeatProcessor, type BeatCommand, type BeatInfo } from './beat-processor.js';

function setup() {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const registry = new Registry({ clock, store });
  const beats = new BeatProcessor(registry);
  const changes: ServiceChange[] = [];
  registry.onChange((c) => changes.push(c));
  return { clock, store, registry, beats, changes };
}

const reg = registerCommand;
const light = lightBeat;

function full(beat: BeatInfo, overrides: Partial<BeatCommand> = {}): BeatCommand {
  return light({ beat, ...overrides });
}

describe('BeatProcessor: missing instance', () => {
  it('answers 20404 to a light beat, exactly as the wire carries it, and creates nothing', () => {
    const { registry, beats, changes } = setup();
    const reply = beats.beat(light());
    // Nacos says {"clientBeatInterval":5000,"code":20404}; Beacon asks for the re-registered
    // instance's first beat within a second (a deliberate deviation, REREGISTER_BEAT_INTERVAL_MS).
    expect(JSON.stringify(reply)).toBe('{"clientBeatInterval":1000,"code":20404}');
    expect(reply.code).toBe(BEAT_NOT_FOUND);
    expect(registry.serviceCount()).toBe(0);
    expect(changes).toEqual([]);
  });

  it('answers 20404 with the switch interval when it is shorter than a second, never longer', () => {
    const { registry, beats } = setup();
    registry.updateSwitches({ clientBeatInterval: 7000, lightBeatEnabled: false });
    expect(beats.beat(light())).toStrictEqual({ clientBeatInterval: REREGISTER_BEAT_INTERVAL_MS, code: 20404 });
    registry.updateSwitches({ clientBeatInterval: 400 });
    expect(beats.beat(light())).toStrictEqual({ clientBeatInterval: 400, code: 20404 });
    registry.updateSwitches({ clientBeatInterval: 1000 });
    expect(beats.beat(light())).toStrictEqual({ clientBeatInterval: 1000, code: 20404 });
  });

  it('answers 10200 with clientBeatInterval, code and lightBeatEnabled, in Nacos order', () => {
    const { registry, beats } = setup();
    registry.registerInstance(reg());
    const reply = beats.beat(light());
    expect(reply).toStrictEqual({ clientBeatInterval: 5000, code: BEAT_OK, lightBeatEnabled: true });
    expect(Object.keys(reply)).toEqual(['clientBeatInterval', 'code', 'lightBeatEnabled']);
    registry.updateSwitches({ lightBeatEnabled: false });
    expect(beats.beat(light()).lightBeatEnabled).toBe(false);
  });

  it('answers 20404 to a light beat when the service exists but the port or namespace do not match', () => {
    const { registry, beats } = setup();
    registry.registerInstance(reg());
    expect(beats.beat(light({ port: 1 })).code).toBe(BEAT_NOT_FOUND);
    expect(beats.beat(light({ namespaceId: 'dev' })).code).toBe(BEAT_NOT_FOUND);
    expect(registry.instanceCount()).toBe(1);
  });

  it('re-registers from a full beat; weight is 0 when the beat JSON has none', () => {
    const { registry, beats, clock, changes } = setup();
    const reply = beats.beat(full({ ip: '10.0.0.1', port: 8080, cluster: 'DEFAULT', metadata: { k: 'v' } }));
    expect(reply).toStrictEqual({ clientBeatInterval: 5000, code: BEAT_OK, lightBeatEnabled: true });
    const instance = registry.findInstance(testAddress())!;
    expect(instance).toBeDefined();
    expect(instance).toMatchObject({
      weight: 0,
      healthy: true,
      enabled: true,
      ephemeral: true,
      lastBeat: clock.now(),
      instanceId: '10.0.0.1#8080#DEFAULT#DEFAULT_GROUP@@demo',
    });
    expect(instance.metadata).toEqual({ k: 'v' });
    expect(changes.map((c) => c.reason)).toEqual(['instance.registered']);
  });

  it('re-registers with the beat weight when present', () => {
    const { registry, beats } = setup();
    beats.beat(full({ ip: '10.0.0.1', port: 8080, weight: 2.5 }));
    expect(registry.findInstance(testAddress())!.weight).toBe(2.5);
  });

  it('re-registers a persistent instance when the beat says ephemeral=false', () => {
    const { registry, beats, store } = setup();
    beats.beat(full({ ip: '10.0.0.1', port: 8080, ephemeral: false }));
    const instance = registry.findInstance(testAddress())!;
    expect(instance.ephemeral).toBe(false);
    expect(store.load().instances).toHaveLength(1);
  });

  it('a full beat with an invalid weight is refused like a register', () => {
    const { registry, beats } = setup();
    expect(() => beats.beat(full({ ip: '10.0.0.1', port: 8080, weight: 10001 }))).toThrow(
      'instance format invalid: The weights range from 0.0 to 10000.0',
    );
    expect(registry.serviceCount()).toBe(0);
  });
});

describe('BeatProcessor: precedence of beat fields', () => {
  it("the beat's ip and port win over the parameters", () => {
    const { registry, beats } = setup();
    beats.beat(full({ ip: '2.2.2.2', port: 2 }, { ip: '1.1.1.1', port: 1 }));
    expect(registry.findInstance(testAddress({ ip: '2.2.2.2', port: 2 }))).toBeDefined();
    expect(registry.findInstance(testAddress({ ip: '1.1.1.1', port: 1 }))).toBeUndefined();
  });

  it("the beat's cluster wins when non-blank", () => {
    const { registry, beats } = setup();
    beats.beat(full({ ip: '10.0.0.1', port: 8080, cluster: 'C1' }, { clusterName: 'DEFAULT' }));
    expect(registry.findInstance(testAddress({ clusterName: 'C1' }))).toBeDefined();
    expect(registry.findInstance(testAddress())).toBeUndefined();
  });

  it('a blank or missing beat cluster falls back to clusterName', () => {
    const { registry, beats } = setup();
    beats.beat(full({ ip: '10.0.0.1', port: 1, cluster: '' }, { clusterName: 'C2' }));
    beats.beat(full({ ip: '10.0.0.1', port: 2 }, { clusterName: 'C3' }));
    expect(registry.findInstance(testAddress({ clusterName: 'C2', port: 1 }))).toBeDefined();
    expect(registry.findInstance(testAddress({ clusterName: 'C3', port: 2 }))).toBeDefined();
  });

  it('beat ip/port absent from the JSON fall back to the parameters', () => {
    const { registry, beats } = setup();
    beats.beat(full({}, { ip: '3.3.3.3', port: 3 }));
    expect(registry.findInstance(testAddress({ ip: '3.3.3.3', port: 3 }))).toBeDefined();
  });
});

describe('BeatProcessor: existing instance', () => {
  it('moves lastBeat of an ephemeral instance and emits nothing while healthy', () => {
    const { registry, beats, clock, changes } = setup();
    const instance = registry.registerInstance(reg());
    changes.length = 0;
    clock.advance(3000);
    expect(beats.beat(light()).code).toBe(BEAT_OK);
    expect(instance.lastBeat).toBe(clock.now());
    clock.advance(3000);
    beats.beat(full({ ip: '10.0.0.1', port: 8080, weight: 9 }));
    expect(instance.lastBeat).toBe(clock.now());
    // a full beat for a present instance does not re-register it
    expect(instance.weight).toBe(1);
    expect(changes).toEqual([]);
  });

  it('flips an unhealthy ephemeral instance healthy, with one change', () => {
    const { registry, beats, changes } = setup();
    const instance = registry.registerInstance(reg());
    registry.setHealth(instance, false);
    changes.length = 0;
    beats.beat(light());
    expect(instance.healthy).toBe(true);
    expect(changes.map((c) => c.reason)).toEqual(['instance.healthy']);
  });

  it('does not flip a marked instance, but still records the beat', () => {
    const { registry, beats, clock, changes } = setup();
    const instance = registry.registerInstance(reg());
    registry.setHealth(instance, false);
    instance.marked = true;
    changes.length = 0;
    clock.advance(100);
    expect(beats.beat(light()).code).toBe(BEAT_OK);
    expect(instance.healthy).toBe(false);
    expect(instance.lastBeat).toBe(clock.now());
    expect(changes).toEqual([]);
  });

  it('accepts a beat for a persistent instance but changes nothing', () => {
    const { registry, beats, clock, changes } = setup();
    const instance = registry.registerInstance(reg({ ephemeral: false }));
    registry.setHealth(instance, false);
    const lastBeat = instance.lastBeat;
    changes.length = 0;
    clock.advance(5000);
    expect(beats.beat(light()).code).toBe(BEAT_OK);
    expect(beats.beat(full({ ip: '10.0.0.1', port: 8080 })).code).toBe(BEAT_OK);
    expect(instance.lastBeat).toBe(lastBeat);
    expect(instance.healthy).toBe(false);
    expect(changes).toEqual([]);
  });

  it('prefers the ephemeral instance when both kinds share ip:port', () => {
    const { registry, beats, clock } = setup();
    const persistent = registry.registerInstance(reg({ ephemeral: false }));
    const ephemeral = registry.registerInstance(reg());
    clock.advance(1000);
    beats.beat(light());
    expect(ephemeral.lastBeat).toBe(clock.now());
    expect(persistent.lastBeat).toBe(clock.now() - 1000);
  });
});

describe('BeatProcessor: clientBeatInterval', () => {
  it('is the switch value when the metadata does not set it', () => {
    const { registry, beats } = setup();
    registry.registerInstance(reg());
    expect(beats.beat(light()).clientBeatInterval).toBe(5000);
    registry.updateSwitches({ clientBeatInterval: 6000 });
    expect(beats.beat(light()).clientBeatInterval).toBe(6000);
  });

  it('is preserved.heart.beat.interval when set', () => {
    const { registry, beats } = setup();
    registry.registerInstance(reg({ metadata: { 'preserved.heart.beat.interval': '2000' } }));
    registry.updateSwitches({ clientBeatInterval: 6000 });
    expect(beats.beat(light()).clientBeatInterval).toBe(2000);
  });

  it.each([
    ['0', 1000],
    ['1', 1000],
    ['999', 1000],
    ['1000', 1000],
    ['3600000', 3_600_000],
    ['999999999', 3_600_000],
  ])('holds a client interval of %s ms to the operator bounds: %d', (declared, told) => {
    const { registry, beats } = setup();
    registry.registerInstance(reg({ metadata: { 'preserved.heart.beat.interval': declared } }));
    expect(beats.beat(light()).clientBeatInterval).toBe(told);
  });

  it('ignores a non-digit preserved interval', () => {
    const { registry, beats } = setup();
    registry.registerInstance(reg({ metadata: { 'preserved.heart.beat.interval': '2s' } }));
    registry.updateSwitches({ clientBeatInterval: 6000 });
    expect(beats.beat(light()).clientBeatInterval).toBe(6000);
  });

  it('comes from the re-registering full beat metadata', () => {
    const { beats } = setup();
    const reply = beats.beat(
      full({ ip: '10.0.0.1', port: 8080, metadata: { 'preserved.heart.beat.interval': '1500' } }),
    );
    expect(reply.clientBeatInterval).toBe(1500);
  });

  it('reflects an operator override, and its removal', () => {
    const { registry, beats } = setup();
    const address = testAddress();
    registry.registerInstance(reg({ metadata: { 'preserved.heart.beat.interval': '2000' } }));
    registry.updateInstance(reg({ metadata: { 'preserved.heart.beat.interval': '1000' } }), true);
    expect(beats.beat(light()).clientBeatInterval).toBe(1000);
    // the client re-registers with its own value: the override still wins
    registry.registerInstance(reg({ metadata: { 'preserved.heart.beat.interval': '2000' } }));
    expect(beats.beat(light()).clientBeatInterval).toBe(1000);
    registry.editInstanceMetadata(address, { 'preserved.heart.beat.interval': null });
    expect(beats.beat(light()).clientBeatInterval).toBe(2000);
    registry.editInstanceMetadata(address, { 'preserved.heart.beat.interval': '3000' });
    expect(beats.beat(light()).clientBeatInterval).toBe(3000);
  });
});

describe('BeatProcessor: a beat naming another cluster (Nacos 2.x matches by ip:port)', () => {
  it('beats the one ephemeral instance at that ip:port in another cluster, creating nothing', () => {
    const { registry, beats, clock } = setup();
    // nacos-sdk-python 1.0.0 registers in cluster `None` and beats without a cluster.
    const instance = registry.registerInstance(reg({ clusterName: 'None' }));
    clock.advance(3000);
    const reply = beats.beat(full({ ip: '10.0.0.1', port: 8080, serviceName: TEST_SERVICE }));
    expect(reply.code).toBe(BEAT_OK);
    expect(instance.lastBeat).toBe(clock.now());
    expect(registry.instanceCount()).toBe(1);
    expect(beats.beat(light()).code).toBe(BEAT_OK);
  });

  it('matches none when the ip:port is in several other clusters, so a full beat registers its own', () => {
    const { registry, beats } = setup();
    registry.registerInstance(reg({ clusterName: 'A' }));
    registry.registerInstance(reg({ clusterName: 'B' }));
    expect(beats.beat(light()).code).toBe(BEAT_NOT_FOUND);
    beats.beat(full({ ip: '10.0.0.1', port: 8080 }));
    expect(registry.findInstance(testAddress())).toBeDefined();
    expect(registry.instanceCount()).toBe(3);
  });

  it('never takes a persistent instance of another cluster for the beat', () => {
    const { registry, beats } = setup();
    registry.registerInstance(reg({ clusterName: 'P', ephemeral: false }));
    expect(beats.beat(light()).code).toBe(BEAT_NOT_FOUND);
  });
});

describe('BeatProcessor: a port for a state shared by several nodes', () => {
  function withPort(registerIt: boolean) {
    const clock = new FakeClock();
    const registry = new Registry({ clock, store: new MemoryStore() });
    const registered: string[] = [];
    const beaten: [string, number][] = [];
    const beats = new BeatProcessor(registry, {
      register: (cmd) => {
        registered.push(`${cmd.ip}:${cmd.port}`);
        return registerIt ? registry.registerInstance(cmd) : undefined;
      },
      beaten: (instance, now) => void beaten.push([`${instance.address.ip}:${instance.address.port}`, now]),
    });
    return { clock, registry, beats, registered, beaten };
  }

  it('registers a full beat through the port, and answers 20404 while the registry does not have it yet', () => {
    const later = withPort(false);
    expect(later.beats.beat(full({ ip: '127.0.0.1', port: 8080 })).code).toBe(BEAT_NOT_FOUND);
    expect(later.registered).toEqual(['127.0.0.1:8080']);
    expect(later.beaten).toEqual([]);
    const atOnce = withPort(true);
    expect(atOnce.beats.beat(full({ ip: '127.0.0.1', port: 8080 })).code).toBe(BEAT_OK);
    expect(atOnce.beaten).toEqual([['127.0.0.1:8080', atOnce.clock.now()]]);
  });

  it('sets the last beat and hands the beat to the port, which heals or not: the processor does not', () => {
    const { clock, registry, beats, beaten } = withPort(true);
    const instance = registry.registerInstance(reg({ ip: '127.0.0.1', port: 8080 }));
    registry.setHealth(instance, false);
    clock.advance(250);
    expect(beats.beat(light({ ip: '127.0.0.1', port: 8080 })).code).toBe(BEAT_OK);
    expect(instance.lastBeat).toBe(clock.now());
    expect(instance.healthy).toBe(false);
    expect(beaten).toEqual([['127.0.0.1:8080', clock.now()]]);
    // A persistent instance takes no beat.
    registry.registerInstance(reg({ ip: '127.0.0.1', port: 9090, ephemeral: false }));
    beats.beat(light({ ip: '127.0.0.1', port: 9090 }));
    expect(beaten).toHaveLength(1);
  });
});
