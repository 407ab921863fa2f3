import type { Instance, NamingClient, QueryOptions } from '@beacon/sdk';
import { describe, expect, it } from 'vitest';
import { DiscoveryClient } from './discovery-client.js';
import { anInstance } from '../../test/support/instances.js';
import { NoInstanceAvailableError } from './fetch-with-failover.js';

/** The SDK client's cache as DiscoveryClient sees it: what getAllInstances answers, and with which options. */
function namingWith(hosts: Instance[]): { naming: NamingClient; queries: QueryOptions[] } {
  const queries: QueryOptions[] = [];
  const naming = {
    getAllInstances: async (_name: string, options: QueryOptions) => (queries.push(options), hosts),
  } as unknown as NamingClient;
  return { naming, queries };
}

describe('DiscoveryClient', () => {
  const hosts = [
    anInstance('127.0.0.1', { weight: 1 }),
    anInstance('127.0.0.2', { weight: 3 }),
    anInstance('127.0.0.3', { healthy: false, weight: 100 }),
    anInstance('127.0.0.4', { enabled: false, weight: 100 }),
    anInstance('127.0.0.5', { weight: 0 }),
  ];

  it('lists every instance from the cache, in the configured group unless the call names another', async () => {
    const { naming, queries } = namingWith(hosts);
    const client = new DiscoveryClient(naming, 'shop');
    expect(await client.instances('greeter')).toHaveLength(5);
    await client.instances('greeter', { groupName: 'other', clusters: ['a'] });
    expect(queries).toEqual([{ groupName: 'shop' }, { groupName: 'other', clusters: ['a'] }]);
    // Never `subscribe: false`: that would cost a registry round trip per call.
    expect(queries.every((q) => q.subscribe === undefined)).toBe(true);
  });

  it('chooses among healthy, enabled instances with weight, in proportion to weight', async () => {
    const { naming } = namingWith(hosts);
    const picks = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const client = new DiscoveryClient(naming, 'shop', { random: () => i / 400 });
      const chosen = await client.choose('greeter');
      picks.set(chosen!.ip, (picks.get(chosen!.ip) ?? 0) + 1);
    }
    expect(Object.fromEntries(picks)).toEqual({ '127.0.0.1': 100, '127.0.0.2': 300 });
  });

  it('answers undefined from choose and NoInstanceAvailableError from fetch when nothing is callable', async () => {
    const { naming } = namingWith([anInstance('127.0.0.3', { healthy: false })]);
    const client = new DiscoveryClient(naming, 'shop');
    expect(await client.choose('greeter')).toBeUndefined();
    await expect(client.fetch('greeter', '/')).rejects.toThrow(NoInstanceAvailableError);
  });

  it('fetches the path on a chosen instance', async () => {
    const { naming } = namingWith(hosts);
    const urls: string[] = [];
    const fetchImpl = (async (url: string | URL | Request) => (
      urls.push(String(url)),
      new Response('ok')
    )) as typeof fetch;
    const client = new DiscoveryClient(naming, 'shop', { fetch: fetchImpl, random: () => 0.9 });
    expect(await (await client.fetch('greeter', '/greet?name=ada')).text()).toBe('ok');
    expect(urls).toEqual(['http://127.0.0.2:80/greet?name=ada']);
  });
});
