import type { ServiceDetailDto } from '@beacon/sdk/admin';
import { describe, expect, it } from 'vitest';
import { newRow } from '../lib/metadata-rows.js';
import { formFromService, hasServiceErrors, serviceUpdate, validateServiceForm } from './service-form.js';

const service: ServiceDetailDto = {
  namespaceId: 'public',
  name: 'orders',
  groupName: 'DEFAULT_GROUP',
  clusterCount: 0,
  instanceCount: 0,
  healthyCount: 0,
  servingCount: 0,
  disabledCount: 0,
  protectThreshold: 0.5,
  protectionReached: false,
  revision: 3,
  metadata: { owner: 'team-a' },
  selectorType: 'none',
  clusters: [],
};

describe('service settings form', () => {
  it('validates the protect threshold as a ratio', () => {
    const form = formFromService(service);
    expect(validateServiceForm({ ...form, protectThreshold: '1.5' }).protectThreshold).toBe(
      'Must be a number from 0 to 1, e.g. 0.5 for 50%',
    );
    expect(validateServiceForm({ ...form, protectThreshold: 'half' }).protectThreshold).toBeDefined();
    expect(hasServiceErrors(validateServiceForm({ ...form, protectThreshold: '0' }))).toBe(false);
  });

  it('sends only the threshold when only the threshold changed', () => {
    expect(serviceUpdate({ ...formFromService(service), protectThreshold: '0.8' }, service)).toEqual({
      protectThreshold: 0.8,
    });
    expect(serviceUpdate(formFromService(service), service)).toBeUndefined();
  });

  it('sends the whole metadata map when a pair changed', () => {
    const form = { ...formFromService(service), metadata: [newRow('owner', 'team-b'), newRow('tier', '1')] };
    expect(serviceUpdate(form, service)).toEqual({ metadata: { owner: 'team-b', tier: '1' } });
  });

  it('keeps the default beat interval in its own field, held to 1 s – 1 h, and sends it alone', () => {
    const withInterval = { ...service, metadata: { owner: 'team-a', 'preserved.heart.beat.interval': '8000' } };
    const form = formFromService(withInterval);
    expect(form.defaultBeatInterval).toBe('8000');
    expect(form.metadata.map((r) => r.key)).toEqual(['owner']);
    expect(validateServiceForm({ ...form, defaultBeatInterval: '999' }).defaultBeatInterval).toContain('1000 ms');
    expect(serviceUpdate({ ...form, defaultBeatInterval: '10000' }, withInterval)).toEqual({
      defaultBeatIntervalMs: 10000,
    });
    expect(serviceUpdate({ ...form, defaultBeatInterval: '' }, withInterval)).toEqual({ defaultBeatIntervalMs: null });
    // A metadata edit keeps the interval in the map it replaces.
    expect(serviceUpdate({ ...form, metadata: [newRow('owner', 'team-b')] }, withInterval)).toEqual({
      metadata: { owner: 'team-b', 'preserved.heart.beat.interval': '8000' },
    });
  });
});
