import { describe, expect, it } from 'vitest';
import { clusterConfigVar, redact, streamMaxLenVar } from './cluster-config.js';
import { loadConfig } from './config.js';

describe('cluster configuration', () => {
  it('is off (embedded mode) when neither variable is set', () => {
    expect(clusterConfigVar({})).toBeUndefined();
    expect(loadConfig({}).cluster).toBeUndefined();
  });

  it('is on when both are set, TLS and sslmode left in the URLs for the libraries', () => {
    const cluster = clusterConfigVar({
      BEACON_REDIS_URL: 'rediss://:pw@redis.internal:6380/0',
      BEACON_DATABASE_URL: 'postgres://beacon:pw@db.internal/beacon?sslmode=require',
    });
    expect(cluster).toEqual({
      redisUrl: 'rediss://:pw@redis.internal:6380/0',
      databaseUrl: 'postgres://beacon:pw@db.internal/beacon?sslmode=require',
      nodeGraceMs: 30_000,
      drainMs: 15_000,
      redisWaitReplicas: 0,
    });
  });

  it.each([
    [{ BEACON_REDIS_URL: 'redis://127.0.0.1:6379' }, 'BEACON_DATABASE_URL'],
    [{ BEACON_DATABASE_URL: 'postgres://127.0.0.1/beacon' }, 'BEACON_REDIS_URL'],
  ])('refuses one variable without the other (%o), naming the missing one', (env, missing) => {
    expect(() => clusterConfigVar(env)).toThrow(`Invalid configuration: ${missing} must be set too`);
  });

  it.each([
    ['BEACON_REDIS_URL', 'http://127.0.0.1:6379', 'must start with redis:// or rediss:// or redis+sentinel://'],
    ['BEACON_REDIS_URL', 'not a url', 'must be a URL'],
    ['BEACON_DATABASE_URL', 'mysql://127.0.0.1/beacon', 'must start with postgres:// or postgresql://'],
    ['BEACON_CLUSTER_STREAM_MAXLEN', '5', 'must be a whole number from 10 to 100000000'],
    ['BEACON_CLUSTER_STREAM_MAXLEN', 'lots', 'must be a whole number'],
    ['BEACON_CLUSTER_NODE_GRACE_MS', '-1', 'must be a whole number from 0 to 3600000'],
    ['BEACON_CLUSTER_DRAIN_MS', '61000', 'must be a whole number from 0 to 60000'],
  ])('refuses %s=%s', (variable, value, message) => {
    const env = { BEACON_REDIS_URL: 'redis://127.0.0.1:6379', BEACON_DATABASE_URL: 'postgres://127.0.0.1/b' };
    expect(() => clusterConfigVar({ ...env, [variable]: value })).toThrow(`${variable} ${message}`);
  });

  it('serves gRPC as embedded mode does: on PORT + 1000 unless set', () => {
    const env = { BEACON_REDIS_URL: 'redis://127.0.0.1:6379', BEACON_DATABASE_URL: 'postgres://127.0.0.1/b' };
    expect(loadConfig(env).grpcPort).toBe(9848);
    expect(loadConfig({ ...env, PORT: '8000' }).grpcPort).toBe(9000);
    expect(loadConfig({ ...env, BEACON_GRPC_PORT: '9999' }).grpcPort).toBe(9999);
    expect(loadConfig({ ...env, BEACON_GRPC_PORT: 'off' }).grpcPort).toBe('off');
  });

  it('keeps about 100000 changes in the stream unless told otherwise', () => {
    expect(streamMaxLenVar({})).toBe(100_000);
    expect(streamMaxLenVar({ BEACON_CLUSTER_STREAM_MAXLEN: '200' })).toBe(200);
  });

  it("keeps a dead node's gRPC instances (unhealthy) 30 s and drains a stopping node's 15 s unless told otherwise", () => {
    const env = { BEACON_REDIS_URL: 'redis://127.0.0.1:6379', BEACON_DATABASE_URL: 'postgres://127.0.0.1/b' };
    expect(clusterConfigVar(env)).toMatchObject({ nodeGraceMs: 30_000, drainMs: 15_000 });
    const set = { ...env, BEACON_CLUSTER_NODE_GRACE_MS: '8000', BEACON_CLUSTER_DRAIN_MS: '0' };
    expect(clusterConfigVar(set)).toMatchObject({ nodeGraceMs: 8000, drainMs: 0 });
  });

  it('answers ephemeral writes once the primary has them unless told to wait for replicas (0 to 16)', () => {
    const env = { BEACON_REDIS_URL: 'redis://127.0.0.1:6379', BEACON_DATABASE_URL: 'postgres://127.0.0.1/b' };
    expect(clusterConfigVar(env)?.redisWaitReplicas).toBe(0);
    expect(clusterConfigVar({ ...env, BEACON_REDIS_WAIT_REPLICAS: '1' })?.redisWaitReplicas).toBe(1);
    expect(() => clusterConfigVar({ ...env, BEACON_REDIS_WAIT_REPLICAS: '17' })).toThrow(/BEACON_REDIS_WAIT_REPLICAS/);
    expect(() => clusterConfigVar({ ...env, BEACON_REDIS_WAIT_REPLICAS: 'one' })).toThrow(/BEACON_REDIS_WAIT_REPLICAS/);
  });

  it('never prints a password', () => {
    expect(redact('postgres://beacon:secret@db/beacon')).toBe('postgres://beacon:***@db/beacon');
    expect(() =>
      clusterConfigVar({ BEACON_REDIS_URL: 'http://:secret@x', BEACON_DATABASE_URL: 'postgres://x/y' }),
    ).toThrow(/^(?!.*secret)/);
  });
});
