import type { InstanceDto } from '@beacon/sdk/admin';
import { describe, expect, it } from 'vitest';
import { newRow } from '../lib/metadata-rows.js';
import {
  TIMING_KEYS,
  formFromInstance,
  hasErrors,
  instancePatch,
  validateInstanceForm,
  type InstanceForm,
} from './instance-form.js';

function instance(metadata: Record<string, string> = {}, extra: Partial<InstanceDto> = {}): InstanceDto {
  return {
    instanceId: '10.0.0.1#8080#DEFAULT#DEFAULT_GROUP@@orders',
    ip: '10.0.0.1',
    port: 8080,
    clusterName: 'DEFAULT',
    healthy: true,
    enabled: true,
    ephemeral: true,
    liveness: 'heartbeat',
    weight: 1,
    metadata,
    overrides: {},
    weightOverridden: false,
    enabledOverridden: false,
    client: { weight: 1, enabled: true, metadata },
    lastBeat: 0,
    registeredAt: 0,
    timings: {
      intervalMs: 5000,
      timeoutMs: 15000,
      deleteTimeoutMs: 30000,
      intervalFromMetadata: false,
      intervalSource: 'server',
    },
    ...extra,
  };
}

const edit = (original: InstanceDto, changes: Partial<InstanceForm>): InstanceForm => ({
  ...formFromInstance(original),
  ...changes,
});

describe('instance editor validation', () => {
  const original = instance({
    [TIMING_KEYS.interval]: '1000',
    [TIMING_KEYS.timeout]: '3000',
    [TIMING_KEYS.deleteTimeout]: '6000',
    zone: 'a',
  });

  it('accepts an interval below the unhealthy timeout', () => {
    const errors = validateInstanceForm(edit(original, { interval: '2000' }), original);
    expect(hasErrors(errors)).toBe(false);
  });

  it('wants whole milliseconds', () => {
    for (const bad of ['2.5', 'abc', '-1', '1e3', ' 20 00']) {
      const errors = validateInstanceForm(edit(original, { interval: bad }), original);
      expect(errors.fields.interval, bad).toBe('Enter whole milliseconds, e.g. 5000');
    }
    expect(validateInstanceForm(edit(original, { timeout: '0' }), original).fields.timeout).toBe(
      'Must be at least 1 ms',
    );
  });

  it('keeps an edited interval between one second and one hour', () => {
    for (const bad of ['0', '2', '999', '3600001']) {
      expect(validateInstanceForm(edit(original, { interval: bad }), original).fields.interval, bad).toBe(
        'From 1000 ms (1 second) to 3600000 ms (1 hour)',
      );
    }
    const slow = instance({ [TIMING_KEYS.timeout]: '7200000', [TIMING_KEYS.deleteTimeout]: '7300000' });
    expect(hasErrors(validateInstanceForm(edit(slow, { interval: '3600000' }), slow))).toBe(false);
  });

  it('wants the interval below the unhealthy timeout, blaming the edited field', () => {
    expect(validateInstanceForm(edit(original, { interval: '3000' }), original).fields).toEqual({
      interval: 'Must be below the unhealthy timeout (3000 ms)',
    });
    const withInterval = instance({ ...original.metadata, [TIMING_KEYS.interval]: '2000' });
    expect(validateInstanceForm(edit(withInterval, { timeout: '1500' }), withInterval).fields).toEqual({
      timeout: 'Must be above the heartbeat interval (2000 ms)',
    });
  });

  it('wants the unhealthy timeout below the delete timeout', () => {
    expect(validateInstanceForm(edit(original, { timeout: '6000' }), original).fields).toEqual({
      timeout: 'Must be below the delete timeout (6000 ms)',
    });
    expect(validateInstanceForm(edit(original, { deleteTimeout: '2500' }), original).fields).toEqual({
      deleteTimeout: 'Must be above the unhealthy timeout (3000 ms)',
    });
  });

  it('checks a cleared field against the server default it falls back to', () => {
    // Clearing the delete timeout means 30000 ms: fine. Setting the interval alone to 20000 with the
    // default timeout of 15000 ms is not.
    expect(hasErrors(validateInstanceForm(edit(original, { deleteTimeout: '' }), original))).toBe(false);
    const bare = instance();
    expect(validateInstanceForm(edit(bare, { interval: '20000' }), bare).fields.interval).toBe(
      'Must be below the unhealthy timeout (15000 ms)',
    );
  });

  it('leaves odd client-registered timings alone when only the weight changes', () => {
    const odd = instance({ [TIMING_KEYS.interval]: '9000', [TIMING_KEYS.timeout]: '3000' });
    expect(hasErrors(validateInstanceForm(edit(odd, { weight: '5' }), odd))).toBe(false);
  });

  it('checks the weight range', () => {
    expect(validateInstanceForm(edit(original, { weight: '10001' }), original).fields.weight).toBe(
      'Must be a number from 0 to 10000',
    );
    // Empty means "no override": the client's weight applies.
    expect(hasErrors(validateInstanceForm(edit(original, { weight: '' }), original))).toBe(false);
    expect(hasErrors(validateInstanceForm(edit(original, { weight: '0.5' }), original))).toBe(false);
  });

  it('refuses blank keys with values, duplicate keys and timing keys among free metadata', () => {
    const blank = newRow('', 'x');
    const dupe = newRow('zone', 'b');
    const timing = newRow(TIMING_KEYS.interval, '1000');
    const form = edit(original, { metadata: [...formFromInstance(original).metadata, blank, dupe, timing] });
    const { rows } = validateInstanceForm(form, original);
    expect(rows[blank.id]).toBe('Enter a key for this value, or remove the row');
    expect(rows[dupe.id]).toBe('Duplicate key "zone"');
    expect(rows[timing.id]).toBe('Set this timing in its own field above');
  });
});

describe('instance patch', () => {
  const original = instance({
    [TIMING_KEYS.interval]: '1000',
    [TIMING_KEYS.timeout]: '3000',
    [TIMING_KEYS.deleteTimeout]: '6000',
    zone: 'a',
  });

  it('starts timing fields empty when the client set them: only overrides are the operator’s', () => {
    expect(formFromInstance(original)).toMatchObject({ interval: '', timeout: '', deleteTimeout: '' });
    expect(instancePatch(edit(original, { deleteTimeout: '' }), original)).toBeUndefined();
  });

  it('is empty when nothing changed', () => {
    expect(instancePatch(formFromInstance(original), original)).toBeUndefined();
  });

  it('carries only the edited interval', () => {
    expect(instancePatch(edit(original, { interval: ' 2000 ' }), original)).toEqual({
      metadata: { [TIMING_KEYS.interval]: '2000' },
    });
  });

  it('removes a cleared override with null, clears removed keys and sets new ones', () => {
    const overridden = instance(original.metadata, { overrides: { [TIMING_KEYS.deleteTimeout]: '6000' } });
    expect(formFromInstance(overridden).deleteTimeout).toBe('6000');
    const form = edit(overridden, { deleteTimeout: '', metadata: [newRow('region', 'eu'), newRow('', '')] });
    expect(instancePatch(form, overridden)).toEqual({
      metadata: { [TIMING_KEYS.deleteTimeout]: null, zone: null, region: 'eu' },
    });
  });

  it('starts weight and enabled from the overrides, and clearing them removes the override', () => {
    const overridden = instance(original.metadata, {
      weight: 7,
      enabled: false,
      weightOverridden: true,
      enabledOverridden: true,
    });
    expect(formFromInstance(overridden)).toMatchObject({ weight: '7', enabled: 'disabled' });
    expect(formFromInstance(original)).toMatchObject({ weight: '', enabled: 'client' });
    expect(instancePatch(edit(overridden, { weight: '', enabled: 'client' }), overridden)).toEqual({
      weight: null,
      enabled: null,
    });
    // Setting the client's own value still makes it an override: the operator asked for it.
    expect(instancePatch(edit(original, { weight: '1', enabled: 'enabled' }), original)).toEqual({
      weight: 1,
      enabled: true,
    });
  });

  it('carries weight and enabled only when they differ', () => {
    expect(instancePatch(edit(original, { weight: '2', enabled: 'disabled' }), original)).toEqual({
      weight: 2,
      enabled: false,
    });
    const overridden = instance(original.metadata, { weight: 2, weightOverridden: true, enabledOverridden: false });
    expect(instancePatch(edit(overridden, { weight: '2.0' }), overridden)).toBeUndefined();
  });
});
