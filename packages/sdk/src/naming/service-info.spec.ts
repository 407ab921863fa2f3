import { describe, expect, it } from 'vitest';
import { parseServiceInfo } from './service-info.js';

describe('parseServiceInfo', () => {
  it('reads a Nacos 1.4 answer with bare dom and host names (non-Java UA)', () => {
    const info = parseServiceInfo({
      hosts: [
        {
          ip: '10.0.0.1',
          port: 8080,
          valid: true,
          healthy: true,
          marked: false,
          instanceId: '10.0.0.1#8080#DEFAULT#DEFAULT_GROUP@@demo',
          metadata: { k: 'v' },
          enabled: true,
          weight: 1.0,
          clusterName: 'DEFAULT',
          serviceName: 'demo',
          ephemeral: true,
        },
      ],
      dom: 'demo',
      name: 'DEFAULT_GROUP@@demo',
      cacheMillis: 10000,
      lastRefTime: 1608545898222,
      checksum: 'c86a1a12eca9ec68cdfefb6ba269c38b',
      useSpecifiedURL: false,
      clusters: '',
      env: '',
      metadata: {},
    });
    expect(info).toEqual({
      name: 'DEFAULT_GROUP@@demo',
      clusters: '',
      cacheMillis: 10000,
      lastRefTime: 1608545898222,
      hosts: [
        {
          instanceId: '10.0.0.1#8080#DEFAULT#DEFAULT_GROUP@@demo',
          ip: '10.0.0.1',
          port: 8080,
          weight: 1,
          healthy: true,
          enabled: true,
          ephemeral: true,
          clusterName: 'DEFAULT',
          serviceName: 'DEFAULT_GROUP@@demo',
          metadata: { k: 'v' },
        },
      ],
    });
  });

  it('reads a Nacos 2.x answer (groupName, no dom) and fills missing host fields with defaults', () => {
    const info = parseServiceInfo({
      name: 'demo',
      groupName: 'shop',
      clusters: 'A',
      hosts: [{ ip: '10.0.0.2', port: 1 }, { ip: 'no-port' }, null],
    });
    expect(info.name).toBe('shop@@demo');
    expect(info.cacheMillis).toBeUndefined();
    expect(info.hosts).toEqual([
      {
        instanceId: '10.0.0.2#1#DEFAULT#shop@@demo',
        ip: '10.0.0.2',
        port: 1,
        weight: 1,
        healthy: true,
        enabled: true,
        ephemeral: true,
        clusterName: 'DEFAULT',
        serviceName: 'shop@@demo',
        metadata: {},
      },
    ]);
  });
});
