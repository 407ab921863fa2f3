import { describe, expect, it } from 'vitest';
import { EMPTY_BULK_EDIT, bulkPatch, validateBulkEdit } from './bulk-edit.js';

describe('bulk edit form', () => {
  it('sends only what is set: interval and metadata as override keys, weight, enabled', () => {
    expect(bulkPatch(EMPTY_BULK_EDIT)).toBeUndefined();
    expect(bulkPatch({ interval: '10000', weight: '3', enabled: 'disabled', metadata: 'zone = b' })).toEqual({
      metadata: { 'preserved.heart.beat.interval': '10000', zone: 'b' },
      weight: 3,
      enabled: false,
    });
    expect(bulkPatch({ ...EMPTY_BULK_EDIT, enabled: 'client' })).toEqual({ enabled: null });
  });

  it('holds the interval to the bounds the server enforces, and asks for key=value', () => {
    expect(validateBulkEdit({ ...EMPTY_BULK_EDIT, interval: '999' }).interval).toContain('1000 ms');
    expect(validateBulkEdit({ ...EMPTY_BULK_EDIT, interval: '3600001' }).interval).toContain('3600000 ms');
    expect(validateBulkEdit({ ...EMPTY_BULK_EDIT, interval: '5s' }).interval).toBe(
      'Enter whole milliseconds, e.g. 10000',
    );
    expect(validateBulkEdit({ ...EMPTY_BULK_EDIT, weight: '10001' }).weight).toBeDefined();
    expect(validateBulkEdit({ ...EMPTY_BULK_EDIT, metadata: 'zone' }).metadata).toBe('Write key=value, e.g. zone=a');
    expect(
      validateBulkEdit({ ...EMPTY_BULK_EDIT, metadata: 'preserved.heart.beat.interval=5' }).metadata,
    ).toBeDefined();
    expect(bulkPatch({ ...EMPTY_BULK_EDIT, interval: '999', weight: '2' })).toBeUndefined();
  });
});
