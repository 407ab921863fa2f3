import type { InstanceAddress } from '../model/instance-address.js';
import type { BeatCommand } from '../beat/beat-processor.js';
import type { RegisterCommand } from '../registry.js';

/** The service most tests register into. */
export const TEST_SERVICE = 'DEFAULT_GROUP@@demo';

/** 10.0.0.1:8080 in DEFAULT of the test service in public, with only the fields given changed. */
export function testAddress(overrides: Partial<InstanceAddress> = {}): InstanceAddress {
  return {
    namespaceId: 'public',
    serviceName: TEST_SERVICE,
    clusterName: 'DEFAULT',
    ip: '10.0.0.1',
    port: 8080,
    ...overrides,
  };
}

/** A healthy, enabled, ephemeral registration of weight 1 at the test address. */
export function registerCommand(overrides: Partial<RegisterCommand> = {}): RegisterCommand {
  return {
    ...testAddress(),
    weight: 1,
    enabled: true,
    healthy: true,
    ephemeral: true,
    metadata: {},
    app: undefined,
    ...overrides,
  };
}

/** A light beat (no `beat` body) at the test address. */
export function lightBeat(overrides: Partial<BeatCommand> = {}): BeatCommand {
  return { ...testAddress(), beat: undefined, ...overrides };
}
