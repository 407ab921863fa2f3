import { describe, expect, it } from 'vitest';
import { startUpBanner, type StartUpFacts } from './start-up-banner.js';

const facts: StartUpFacts = {
  version: '0.1.0',
  config: { host: '0.0.0.0', dataDir: '/srv/beacon/data', authEnabled: true, cluster: undefined },
  httpPort: 8848,
  grpcPort: 9848,
  consoleBuilt: true,
  passwordFile: '/srv/beacon/data/initial-admin-password',
};

describe('startUpBanner', () => {
  it('gives the URLs to type, the data directory and where the generated password is', () => {
    const banner = startUpBanner(facts);
    expect(banner).toContain('Beacon 0.1.0');
    expect(banner).toContain('http://localhost:8848 (listening on 0.0.0.0)  (Nacos 1.x');
    expect(banner).toContain('localhost:9848');
    expect(banner).toMatch(/console\s+http:\/\/localhost:8848\//);
    expect(banner).toContain('/srv/beacon/data\n');
    expect(banner).toContain('generated password in /srv/beacon/data/initial-admin-password');
  });

  it('says when gRPC is off, the console unbuilt and auth off', () => {
    const banner = startUpBanner({
      ...facts,
      config: { ...facts.config, host: '127.0.0.1', authEnabled: false },
      grpcPort: undefined,
      consoleBuilt: false,
      passwordFile: undefined,
    });
    expect(banner).toContain('http://127.0.0.1:8848  (');
    expect(banner).not.toContain('listening on');
    expect(banner).toContain('off (BEACON_GRPC_PORT=off)');
    expect(banner).toContain('not built');
    expect(banner).toContain('OFF (BEACON_AUTH=off)');
  });

  it("names the cluster's engines without the database password", () => {
    const banner = startUpBanner({
      ...facts,
      config: {
        ...facts.config,
        cluster: {
          redisUrl: 'redis://redis:6379/0',
          databaseUrl: 'postgres://beacon:s3cret@postgres:5432/beacon',
          nodeGraceMs: 30_000,
          drainMs: 15_000,
          redisWaitReplicas: 0,
        },
      },
    });
    expect(banner).toContain('cluster: Redis redis:6379, PostgreSQL postgres:5432');
    expect(banner).not.toContain('s3cret');
  });

  it('names the sentinels and the master of a Redis behind Sentinel, without its password', () => {
    const banner = startUpBanner({
      ...facts,
      config: {
        ...facts.config,
        cluster: {
          redisUrl: 'redis+sentinel://:s3cret@s1:26379,s2:26379/beacon',
          databaseUrl: 'postgres://postgres:5432/beacon',
          nodeGraceMs: 30_000,
          drainMs: 15_000,
          redisWaitReplicas: 0,
        },
      },
    });
    expect(banner).toContain('cluster: Redis beacon via sentinels s1:26379,s2:26379, PostgreSQL postgres:5432');
    expect(banner).not.toContain('s3cret');
  });
});
