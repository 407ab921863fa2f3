import { describe, expect, it } from 'vitest';
import { clusterConfigVar } from './cluster-config.js';
import { describeSentinels, isSentinelUrl, parseSentinelUrl } from './redis-sentinel-url.js';

const VAR = 'BEACON_REDIS_URL';

describe('redis+sentinel:// URLs', () => {
  it('names every sentinel, the master and the database, and the Redis servers’ credentials', () => {
    const target = parseSentinelUrl(
      VAR,
      'redis+sentinel://:s%40cret@10.0.0.1:26379,sentinel-b:26380,[::1]:26381/mymaster/2',
    );
    expect(target).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-b', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'mymaster',
      db: 2,
      password: 's@cret',
    });
    expect(describeSentinels(target)).toBe('mymaster via sentinels 10.0.0.1:26379,sentinel-b:26380,::1:26381');
    expect(parseSentinelUrl(VAR, 'redis+sentinel://beacon:pw@h:1/m')).toMatchObject({
      username: 'beacon',
      password: 'pw',
      db: 0,
    });
  });

  it.each([
    ['redis+sentinel://h:26379', 'the master name is missing'],
    ['redis+sentinel://h:26379/', 'the master name is missing'],
    ['redis+sentinel://h/mymaster', "'h' is not a sentinel host:port"],
    ['redis+sentinel://h:1,:2/mymaster', "':2' is not a sentinel host:port"],
    ['redis+sentinel://h:70000/mymaster', "'h:70000' is not a sentinel host:port"],
    ['redis+sentinel://h:1/mymaster/x', "'x' is not a database number"],
  ])('refuses %s in one line naming the variable', (raw, why) => {
    expect(() => parseSentinelUrl(VAR, raw)).toThrow(
      `Invalid configuration: ${VAR} ${why}: expected redis+sentinel://`,
    );
  });

  it('never prints the password of a refused URL', () => {
    expect(() => parseSentinelUrl(VAR, 'redis+sentinel://:hunter2@h/m')).toThrow(/:\*\*\*@h\/m/);
    expect(() => parseSentinelUrl(VAR, 'redis+sentinel://:hunter2@h/m')).not.toThrow(/hunter2/);
  });

  it('is taken by the cluster configuration as BEACON_REDIS_URL', () => {
    const env = {
      BEACON_REDIS_URL: 'redis+sentinel://127.0.0.1:26379/mymaster',
      BEACON_DATABASE_URL: 'postgres://127.0.0.1/b',
    };
    expect(isSentinelUrl(env.BEACON_REDIS_URL)).toBe(true);
    expect(clusterConfigVar(env)?.redisUrl).toBe(env.BEACON_REDIS_URL);
    expect(() => clusterConfigVar({ ...env, BEACON_REDIS_URL: 'redis+sentinel://127.0.0.1/mymaster' })).toThrow(
      "BEACON_REDIS_URL '127.0.0.1' is not a sentinel host:port",
    );
  });
});
