import { describe, expect, it } from 'vitest';
import { auditDiff } from './audit-diff.js';

describe('auditDiff (before and after as the Audit page shows them)', () => {
  it('lists only the fields that changed, nested ones dotted', () => {
    const before = {
      weight: 1,
      enabled: true,
      metadata: { zone: 'a', team: 'core' },
      overridden: { metadataKeys: [] },
    };
    const after = {
      weight: 5,
      enabled: true,
      metadata: { zone: 'b', team: 'core' },
      overridden: { metadataKeys: ['zone'] },
    };
    expect(auditDiff(before, after)).toEqual({
      kind: 'changed',
      rows: [
        { field: 'metadata.zone', before: 'a', after: 'b' },
        { field: 'overridden.metadataKeys', before: '[]', after: '["zone"]' },
        { field: 'weight', before: '1', after: '5' },
      ],
    });
  });

  it('shows a key that appears or goes with one side only', () => {
    expect(auditDiff({ metadata: { a: '1' } }, { metadata: { a: '1', b: '2' } }).rows).toEqual([
      { field: 'metadata.b', after: '2' },
    ]);
    expect(auditDiff({ metadata: { a: '1' } }, { metadata: {} }).rows).toEqual([
      { field: 'metadata', after: '{}' },
      { field: 'metadata.a', before: '1' },
    ]);
  });

  it('calls a write with nothing before a creation, and nothing after a deletion', () => {
    expect(auditDiff(null, { id: 'staging', name: 'Staging' })).toEqual({
      kind: 'created',
      rows: [
        { field: 'id', after: 'staging' },
        { field: 'name', after: 'Staging' },
      ],
    });
    expect(auditDiff({ roles: ['ops'] }, null)).toEqual({
      kind: 'deleted',
      rows: [{ field: 'roles', before: '["ops"]' }],
    });
    expect(auditDiff({ a: 1 }, { a: 1 })).toEqual({ kind: 'unchanged', rows: [] });
  });
});
