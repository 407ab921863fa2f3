import { describe, expect, it } from 'vitest';
import { MUTATIONS, type Mutation } from '../../application/state-backend.js';
import { decodeEntry, encodeMutation, STREAM_FORMAT_VERSION, wireKinds } from './stream-format.js';

describe('the change stream format', () => {
  it('keeps the wire kinds of version 1: nodes of the previous release read and write exactly these', () => {
    // Never edit this list: a renamed kind is a new kind, which older nodes skip (and reload for).
    expect(wireKinds().sort()).toEqual(
      [
        'batchMetadata',
        'createService',
        'deleteNamespace',
        'deleteService',
        'deregisterInstance',
        'editInstance',
        'editInstanceMetadata',
        'patchInstance',
        'putNamespace',
        'registerInstance',
        'setCheckedHealth',
        'setHealthManually',
        'updateCluster',
        'updateInstance',
        'updateService',
        'updateSwitches',
      ].sort(),
    );
    expect(wireKinds()).toHaveLength(Object.keys(MUTATIONS).length);
    expect(STREAM_FORMAT_VERSION).toBe(1);
  });

  it('decodes what it encodes, and entries of nodes from before the version field alike', () => {
    const m: Mutation = { kind: 'deleteNamespace', args: ['dev'] };
    const fields = { v: '1', o: 'node-a', m: encodeMutation(m) };
    expect(decodeEntry(fields)).toEqual({ type: 'mutation', mutation: m });
    expect(decodeEntry({ o: 'node-a', m: '{"kind":"deleteNamespace","args":["dev"]}' })).toEqual({
      type: 'mutation',
      mutation: m,
    });
    expect(decodeEntry({ o: 'redis', t: 'expired', k: 'member' })).toEqual({
      type: 'transition',
      transition: 'expired',
      member: 'member',
    });
    expect(decodeEntry({ v: '1', o: 'node-a', r: '1' })).toEqual({ type: 'reconcile' });
    // A field a later version adds beside the known ones is ignored.
    expect(decodeEntry({ v: '1', o: 'a', m: encodeMutation(m), trace: 'x' })).toEqual({
      type: 'mutation',
      mutation: m,
    });
  });

  it('names what it cannot apply instead of guessing: a newer version, a new kind or transition, a new entry', () => {
    const unknown = (what: string) => ({ type: 'unknown', what });
    expect(decodeEntry({ v: '2', o: 'a', m: encodeMutation({ kind: 'deleteNamespace', args: ['dev'] }) })).toEqual(
      unknown('format version 2'),
    );
    expect(decodeEntry({ v: 'x', o: 'a', r: '1' })).toEqual(unknown('format version x'));
    expect(decodeEntry({ v: '1', o: 'a', m: '{"kind":"drainInstance","args":[]}' })).toEqual(
      unknown('kind drainInstance'),
    );
    expect(decodeEntry({ v: '1', o: 'a', m: '{"kind":"putNamespace"}' })).toEqual(unknown('kind putNamespace'));
    expect(decodeEntry({ v: '1', o: 'a', m: 'not json' })).toEqual(unknown('a mutation that is not JSON'));
    // Today's reader took any transition but `healthy` for unhealthy: a new one must not mark anybody.
    expect(decodeEntry({ v: '1', o: 'redis', t: 'draining', k: 'member' })).toEqual(unknown('transition draining'));
    expect(decodeEntry({ v: '1', o: 'a', x: '1' })).toEqual(unknown('an entry of fields x'));
  });

  it('says which service an unknown entry changes when it names one: `s` of a new kind, `k` of a new transition', () => {
    const orders = { namespaceId: 'public', serviceName: 'DEFAULT_GROUP@@orders' };
    const m = '{"kind":"drainInstance","args":[]}';
    expect(decodeEntry({ v: '1', o: 'a', m, s: '["public","DEFAULT_GROUP@@orders"]' })).toEqual({
      type: 'unknown',
      what: 'kind drainInstance',
      service: orders,
    });
    const member = JSON.stringify(['public', 'DEFAULT_GROUP@@orders', 'DEFAULT', '127.0.0.1', 8080]);
    expect(decodeEntry({ v: '1', o: 'redis', t: 'draining', k: member })).toEqual({
      type: 'unknown',
      what: 'transition draining',
      service: orders,
    });
    // Nothing usable, or a version it cannot read: no service, so the whole view is reloaded.
    for (const s of ['["public"]', 'orders', '[1,2]']) {
      expect(decodeEntry({ v: '1', o: 'a', m, s })).toEqual({ type: 'unknown', what: 'kind drainInstance' });
    }
    expect(decodeEntry({ v: '2', o: 'a', m, s: '["public","DEFAULT_GROUP@@orders"]' })).toEqual({
      type: 'unknown',
      what: 'format version 2',
    });
  });
});
