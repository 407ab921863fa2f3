import { MemoryStore, Registry } from '@beacon/core';
import { FakeClock, registerCommand } from '@beacon/core/testing';
import { describe, expect, it } from 'vitest';
import { JournalStore } from './journal-store.js';

const empty = new MemoryStore().load();

describe('JournalStore (a cluster node view)', () => {
  it('records the writes a mutation makes, in order, for the backend to commit', () => {
    const journal = new JournalStore(empty);
    const registry = new Registry({ clock: new FakeClock(0), store: journal });
    const { ops } = journal.record(() =>
      registry.registerInstance(registerCommand({ serviceName: 'DEFAULT_GROUP@@db', port: 5432, ephemeral: false })),
    );
    expect(ops.map((o) => o.op)).toEqual(['putService', 'putCluster', 'putInstance']);
  });

  it('records nothing for an ephemeral instance of a known service, and drops writes made outside a record', () => {
    const journal = new JournalStore(empty);
    const registry = new Registry({ clock: new FakeClock(0), store: journal });
    // Outside `record` (a change applied from the stream): its writer already wrote it.
    registry.registerInstance(registerCommand({ serviceName: 'DEFAULT_GROUP@@web', port: 1 }));
    const { ops } = journal.record(() =>
      registry.registerInstance(registerCommand({ serviceName: 'DEFAULT_GROUP@@web', port: 2 })),
    );
    expect(ops).toEqual([]);
  });

  it('keeps a copy of the switches, not the registry’s live object', () => {
    const journal = new JournalStore(empty);
    const registry = new Registry({ clock: new FakeClock(0), store: journal });
    const { ops } = journal.record(() => registry.updateSwitches({ clientBeatInterval: 3000 }));
    registry.updateSwitches({ clientBeatInterval: 4000 });
    expect(ops).toHaveLength(1);
    expect(ops[0]!.op === 'putSwitches' && ops[0]!.args[0].clientBeatInterval).toBe(3000);
  });

  it('hands the registry the state it was loaded with', () => {
    const state = { ...empty, namespaces: [{ id: 'team-a', name: 'Team A', description: '' }] };
    const registry = new Registry({ clock: new FakeClock(0), store: new JournalStore(state) });
    expect(registry.namespaceRecord('team-a')?.name).toBe('Team A');
  });
});
