import { BeatProcessor, MemoryStore, Registry, UnavailableError } from '@beacon/core';
import { FakeClock, TEST_SERVICE, registerCommand } from '@beacon/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditTrail } from '../audit/audit-trail.js';
import { SqliteAuditStore } from '../audit/sqlite-audit-store.js';
import { SqliteDatabase } from '../storage/sqlite-database.js';
import { AUDIT_SUBJECTS } from './audit-subjects.js';
import { AuditedWrites } from './audited-writes.js';
import { InstanceService } from './instance-service.js';
import { NamespaceService } from './namespace-service.js';
import { EmbeddedStateBackend, MUTATIONS, type StateBackend } from './state-backend.js';

// The recording rules: which writes are an operator's, what an entry holds, and that a write that
// fails leaves none.

const OPERATOR = { user: 'ops-alice', address: '127.0.0.9' };
const ADDRESS = {
  namespaceId: 'public',
  serviceName: TEST_SERVICE,
  clusterName: 'DEFAULT',
  ip: '127.0.0.1',
  port: 8080,
};

let database: SqliteDatabase;
let registry: Registry;
let backend: StateBackend;
let trail: AuditTrail;
let writes: AuditedWrites;

beforeEach(() => {
  database = new SqliteDatabase(':memory:');
  registry = new Registry({ clock: new FakeClock(0), store: new MemoryStore() });
  backend = new EmbeddedStateBackend(registry, new BeatProcessor(registry));
  trail = new AuditTrail(
    new SqliteAuditStore(database),
    () => 42,
    (error) => {
      throw error;
    },
  );
  writes = new AuditedWrites(backend, trail);
  registry.registerInstance(registerCommand({ ip: '127.0.0.1', metadata: { zone: 'a' } }));
  registry.registerInstance(registerCommand({ ip: '127.0.0.2', metadata: { zone: 'a' } }));
});
afterEach(() => database.close());

const entries = () => trail.query({ limit: 100 });

describe('the line between operator and client writes', () => {
  it('audits every mutation but registering, deregistering and the result of an active check', () => {
    const unaudited = Object.keys(MUTATIONS).filter((kind) => !(kind in AUDIT_SUBJECTS));
    expect(unaudited.sort()).toEqual(['deregisterInstance', 'registerInstance', 'setCheckedHealth']);
  });
});

describe('AuditedWrites', () => {
  it('records the actor, the action, the target path and the target before and after', async () => {
    await writes.apply(OPERATOR, 'editInstance', ADDRESS, { weight: 3, metadata: { zone: 'b' } });
    const [entry] = await entries();
    expect(entry).toMatchObject({
      at: 42,
      user: 'ops-alice',
      address: '127.0.0.9',
      action: 'editInstance',
      targetType: 'instance',
      target: `public/${TEST_SERVICE}/DEFAULT/127.0.0.1:8080`,
      before: { weight: 1, enabled: true, metadata: { zone: 'a' }, overridden: { weight: false, metadataKeys: [] } },
      after: { weight: 3, metadata: { zone: 'b' }, overridden: { weight: true, metadataKeys: ['zone'] } },
    });
  });

  it('records nothing when the registry refuses the write', async () => {
    await expect(writes.apply(OPERATOR, 'editInstance', ADDRESS, { weight: -1 })).rejects.toThrow();
    await expect(writes.apply(OPERATOR, 'deleteService', 'public', 'DEFAULT_GROUP@@missing')).rejects.toThrow();
    expect(await entries()).toEqual([]);
  });

  it('records nothing when the backend fails to store the write', async () => {
    const failing: StateBackend = {
      ...backend,
      registry,
      apply: () => Promise.reject(new UnavailableError('PostgreSQL is unavailable, nothing was written')),
    };
    const namespaces = new NamespaceService(failing, new AuditedWrites(failing, trail));
    await expect(namespaces.define({ id: 'staging', name: 'Staging' }, OPERATOR)).rejects.toThrow(UnavailableError);
    expect(await entries()).toEqual([]);
  });

  it('keeps, of a batch metadata edit, only the instances it changed', async () => {
    const instances = new InstanceService(backend, writes);
    const listed = () => [{ ip: '127.0.0.2', port: 8080, ephemeral: true, clusterName: 'DEFAULT' }];
    await instances.batchMetadata(
      'public',
      TEST_SERVICE,
      { consistencyType: undefined, listed },
      { zone: 'c' },
      'merge',
      OPERATOR,
    );
    const [entry] = await entries();
    expect(entry).toMatchObject({
      action: 'batchMetadata',
      targetType: 'service',
      target: `public/${TEST_SERVICE}`,
      before: { instanceMetadata: { 'DEFAULT/127.0.0.2:8080': { zone: 'a' } } },
      after: { instanceMetadata: { 'DEFAULT/127.0.0.2:8080': { zone: 'c' } } },
    });
  });

  it('records a deletion with the target before and null after', async () => {
    await writes.apply(OPERATOR, 'putNamespace', { id: 'staging', name: 'Staging', description: '' });
    await writes.apply(OPERATOR, 'deleteNamespace', 'staging');
    const [deleted, created] = await entries();
    expect(created).toMatchObject({ before: null, after: { id: 'staging', name: 'Staging' } });
    expect(deleted).toMatchObject({ action: 'deleteNamespace', before: { id: 'staging' }, after: null });
  });
});
