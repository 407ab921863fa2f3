import { BeatProcessor, MemoryStore, Registry } from '@beacon/core';
import { FakeClock, TEST_SERVICE, registerCommand } from '@beacon/core/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { InstanceService } from './instance-service.js';
import { EmbeddedStateBackend } from './state-backend.js';
import { AuditedWrites } from './audited-writes.js';
import { AuditTrail } from '../audit/audit-trail.js';
import { SqliteAuditStore } from '../audit/sqlite-audit-store.js';
import { SqliteDatabase } from '../storage/sqlite-database.js';

// The batch metadata edit of /nacos/v1/ns/instance/metadata/batch: which instances it touches.

const OPERATOR = { user: 'nacos', address: '127.0.0.1' };
let registry: Registry;
let instances: InstanceService;

beforeEach(() => {
  registry = new Registry({ clock: new FakeClock(0), store: new MemoryStore() });
  const backend = new EmbeddedStateBackend(registry, new BeatProcessor(registry));
  const trail = new AuditTrail(new SqliteAuditStore(new SqliteDatabase(':memory:')), Date.now, () => undefined);
  instances = new InstanceService(backend, new AuditedWrites(backend, trail));
  registry.registerInstance(registerCommand({ ip: '127.0.0.1' }));
  registry.registerInstance(registerCommand({ ip: '127.0.0.2', ephemeral: false }));
});

const unreadable = (): never => {
  throw new Error('the list must not be read');
};

describe('InstanceService.batchMetadata', () => {
  it('takes every instance of a kind when consistencyType names one, without reading the list', async () => {
    const scope = { consistencyType: 'persist', listed: unreadable };
    const updated = await instances.batchMetadata('public', TEST_SERVICE, scope, { k: 'v' }, 'merge', OPERATOR);
    expect(updated).toHaveLength(1);
    expect(updated[0]).toContain('127.0.0.2');
  });

  it('takes the listed instances otherwise', async () => {
    const listed = () => [{ ip: '127.0.0.1', port: 8080, ephemeral: true, clusterName: 'DEFAULT' }];
    const updated = await instances.batchMetadata(
      'public',
      TEST_SERVICE,
      { consistencyType: 'other', listed },
      {},
      'merge',
      OPERATOR,
    );
    expect(updated).toHaveLength(1);
    expect(updated[0]).toContain('127.0.0.1');
  });
});
