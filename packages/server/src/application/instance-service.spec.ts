import { BeatProcessor, MemoryStore, Registry } from '@beacon/core';
import { FakeClock, TEST_SERVICE, registerCommand } from '@beacon/core/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { InstanceService } from './instance-service.js';
import { EmbeddedStateBackend } from './state-backend.js';

// The batch metadata edit of /nacos/v1/ns/instance/metadata/batch: which instances it touches.

let registry: Registry;
let instances: InstanceService;

beforeEach(() => {
  registry = new Registry({ clock: new FakeClock(0), store: new MemoryStore() });
  instances = new InstanceService(new EmbeddedStateBackend(registry, new BeatProcessor(registry)));
  registry.registerInstance(registerCommand({ ip: '127.0.0.1' }));
  registry.registerInstance(registerCommand({ ip: '127.0.0.2', ephemeral: false }));
});

const unreadable = (): never => {
  throw new Error('the list must not be read');
};

describe('InstanceService.batchMetadata', () => {
  it('takes every instance of a kind when consistencyType names one, without reading the list', async () => {
    const scope = { consistencyType: 'persist', listed: unreadable };
    const updated = await instances.batchMetadata('public', TEST_SERVICE, scope, { k: 'v' }, 'merge');
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
    );
    expect(updated).toHaveLength(1);
    expect(updated[0]).toContain('127.0.0.1');
  });
});
