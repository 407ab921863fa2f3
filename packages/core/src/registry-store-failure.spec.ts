import { describe, expect, it } from 'vitest';
import { Registry, type RegisterCommand } from './registry.js';
import { MemoryStore, type PersistentInstanceRecord } from './store.js';
import { FakeClock, registerCommand } from './testing/index.js';

/** A store that can be told to fail, like a full disk would. */
class FlakyStore extends MemoryStore {
  failing = false;
  override putInstance(record: PersistentInstanceRecord): void {
    if (this.failing) throw new Error('disk full');
    super.putInstance(record);
  }
}

/** A persistent instance of a database service: the kind the store holds. */
const cmd = (over: Partial<RegisterCommand> = {}): RegisterCommand =>
  registerCommand({ serviceName: 'DEFAULT_GROUP@@db', port: 5432, ephemeral: false, ...over });

describe('registry when the store fails', () => {
  it('leaves no trace of a refused registration in memory and emits nothing', () => {
    const store = new FlakyStore();
    const registry = new Registry({ clock: new FakeClock(), store });
    const changes: number[] = [];
    registry.onChange((c) => changes.push(c.revision));
    store.failing = true;

    expect(() => registry.registerInstance(cmd())).toThrow('disk full');

    expect(registry.findService('public', 'DEFAULT_GROUP@@db')).toBeUndefined();
    expect(registry.instanceCount()).toBe(0);
    expect(changes).toEqual([]);
  });

  it('makes no namespace for a refused first registration into an unknown id', () => {
    const store = new FlakyStore();
    const registry = new Registry({ clock: new FakeClock(), store });
    store.failing = true;

    expect(() => registry.registerInstance(cmd({ namespaceId: 'dev' }))).toThrow('disk full');

    expect(registry.namespaceRecord('dev')).toBeUndefined();
    expect(registry.namespaceIds()).toEqual(['public']);
  });

  it('puts an existing instance back as it was when its update cannot be stored', () => {
    const store = new FlakyStore();
    const registry = new Registry({ clock: new FakeClock(), store });
    const instance = registry.registerInstance(cmd({ weight: 2, metadata: { v: '1' } }));
    store.failing = true;

    expect(() => registry.updateInstance(cmd({ weight: 5, metadata: { v: '2' } }), true)).toThrow('disk full');

    expect(instance.weight).toBe(2);
    expect(instance.metadata).toEqual({ v: '1' });
    expect(registry.overrideFor({ ...cmd(), serviceName: 'DEFAULT_GROUP@@db' })).toBeUndefined();
  });
});
