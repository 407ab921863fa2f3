import { describe, expect, it } from 'vitest';
import { href, matchRoute, servicePath } from './routes.js';

describe('console routes', () => {
  it('lists services at / and /services', () => {
    expect(matchRoute('/')).toEqual({ page: 'services' });
    expect(matchRoute('/services')).toEqual({ page: 'services' });
    expect(matchRoute('/overview')).toEqual({ page: 'overview' });
    expect(matchRoute('/services/')).toEqual({ page: 'services' });
  });

  it('opens one service at /services/{group}/{name}, names decoded', () => {
    expect(matchRoute('/services/DEFAULT_GROUP/orders')).toEqual({
      page: 'service',
      groupName: 'DEFAULT_GROUP',
      name: 'orders',
    });
    expect(matchRoute(`/services/${encodeURIComponent('a b')}/${encodeURIComponent('svc:v1/x')}`)).toEqual({
      page: 'service',
      groupName: 'a b',
      name: 'svc:v1/x',
    });
  });

  it('finds nothing elsewhere, nor in malformed escapes', () => {
    expect(matchRoute('/users')).toEqual({ page: 'users' });
    expect(matchRoute('/audit')).toEqual({ page: 'audit' });
    expect(matchRoute('/users/x')).toEqual({ page: 'not-found' });
    expect(matchRoute('/services/%E0%A4%A/x')).toEqual({ page: 'not-found' });
  });

  it('builds links that round-trip, leaving out empty parameters and the public namespace', () => {
    expect(href('/', { q: '', group: undefined, page: 2 })).toBe('/?page=2');
    const path = servicePath('my group', 'svc/with/slashes', 'public');
    expect(path).toBe('/services/my%20group/svc%2Fwith%2Fslashes');
    expect(matchRoute(path)).toEqual({ page: 'service', groupName: 'my group', name: 'svc/with/slashes' });
    expect(servicePath('G', 'n', 'dev')).toBe('/services/G/n?namespace=dev');
  });
});
