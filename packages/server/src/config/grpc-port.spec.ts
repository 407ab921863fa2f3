import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('BEACON_GRPC_PORT', () => {
  it('follows PORT + 1000 by default, as Nacos 2.x clients expect', () => {
    expect(loadConfig({}).grpcPort).toBe(9848);
    expect(loadConfig({ PORT: '18848' }).grpcPort).toBe(19848);
  });

  it('is a free port when PORT is 0, and can be set or turned off', () => {
    expect(loadConfig({ PORT: '0' }).grpcPort).toBe(0);
    expect(loadConfig({ BEACON_GRPC_PORT: '7000' }).grpcPort).toBe(7000);
    expect(loadConfig({ BEACON_GRPC_PORT: 'OFF' }).grpcPort).toBe('off');
  });

  it('stops the start when PORT + 1000 is no port, or the value is no port', () => {
    expect(() => loadConfig({ PORT: '65000' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '65000' })).toThrow(/BEACON_GRPC_PORT/);
    expect(loadConfig({ PORT: '65000', BEACON_GRPC_PORT: 'off' }).grpcPort).toBe('off');
    expect(() => loadConfig({ BEACON_GRPC_PORT: 'nine' })).toThrow(/BEACON_GRPC_PORT/);
  });
});
