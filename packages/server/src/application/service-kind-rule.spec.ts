import { describe, expect, it } from 'vitest';
import { InvalidParameterError, MemoryStore, Registry } from '@beacon/core';
import { FakeClock, registerCommand, TEST_SERVICE } from '@beacon/core/testing';
import { checkServiceKind } from './service-kind-rule.js';

function serviceWith(...kinds: boolean[]) {
  const registry = new Registry({ clock: new FakeClock(), store: new MemoryStore() });
  kinds.forEach((ephemeral, i) => registry.registerInstance(registerCommand({ port: i + 1, ephemeral })));
  return registry.findService('public', TEST_SERVICE);
}

describe('checkServiceKind (Nacos 2.x: a service takes only instances of its kind)', () => {
  it('refuses a persistent instance in an ephemeral service, with Nacos 2.x text', () => {
    expect(() => checkServiceKind(serviceWith(true), false)).toThrow(
      new InvalidParameterError(
        "Current service DEFAULT_GROUP@@demo is ephemeral service, can't register persistent instance.",
      ),
    );
  });

  it('lets an ephemeral instance, or batch, into a persistent service: a client redo must not be refused forever', () => {
    expect(() => checkServiceKind(serviceWith(false), true)).not.toThrow();
    expect(() => checkServiceKind(serviceWith(false, false), true, true)).not.toThrow();
  });

  it('names a batch in its refusal', () => {
    expect(() => checkServiceKind(serviceWith(true), false, true)).toThrow(
      "Current service DEFAULT_GROUP@@demo is ephemeral service, can't batch register persistent instance.",
    );
  });

  it('lets either kind into a new or empty service, one of the same kind, or one 1.x clients mixed', () => {
    for (const ephemeral of [true, false]) {
      expect(() => checkServiceKind(undefined, ephemeral)).not.toThrow();
      expect(() => checkServiceKind(serviceWith(), ephemeral)).not.toThrow();
      expect(() => checkServiceKind(serviceWith(ephemeral), ephemeral)).not.toThrow();
      expect(() => checkServiceKind(serviceWith(true, false), ephemeral)).not.toThrow();
    }
  });
});
