import { describe, expect, it } from 'vitest';
import { NO_SELECTOR } from '../model/service.js';
import { Registry } from '../registry.js';
import { MemoryStore } from '../store.js';
import { FakeClock, registerCommand, TEST_SERVICE } from '../testing/index.js';
import { beatIntervalSource, checkServiceBeatInterval, effectiveBeatInterval } from './beat-interval.js';

const INTERVAL = 'preserved.heart.beat.interval';

function setup(serviceDefault: string | undefined) {
  const registry = new Registry({ clock: new FakeClock(), store: new MemoryStore() });
  const plain = registry.registerInstance(registerCommand({ ip: '10.0.0.1' }));
  const own = registry.registerInstance(registerCommand({ ip: '10.0.0.2', metadata: { [INTERVAL]: '2000' } }));
  const shortTimeout = registry.registerInstance(
    registerCommand({ ip: '10.0.0.3', metadata: { 'preserved.heart.beat.timeout': '3000' } }),
  );
  registry.updateService({
    namespaceId: 'public',
    serviceName: TEST_SERVICE,
    protectThreshold: 0,
    metadata: serviceDefault === undefined ? {} : { [INTERVAL]: serviceDefault },
    selector: NO_SELECTOR,
  });
  return { registry, plain, own, shortTimeout };
}

describe("a service's default beat interval", () => {
  it('applies to instances without their own interval, below their unhealthy timeout', () => {
    const { registry, plain, own, shortTimeout } = setup('8000');
    expect([effectiveBeatInterval(plain, registry.switches), beatIntervalSource(plain)]).toEqual([8000, 'service']);
    expect([effectiveBeatInterval(own, registry.switches), beatIntervalSource(own)]).toEqual([2000, 'instance']);
    // 8 s would outlast its 3 s timeout: the server switch applies instead.
    expect([effectiveBeatInterval(shortTimeout, registry.switches), beatIntervalSource(shortTimeout)]).toEqual([
      5000,
      'server',
    ]);
  });

  it('is held within 1 s to 1 h, and ignored unless plain digits, as an instance value is', () => {
    expect(effectiveBeatInterval(setup('1').plain, setup('1').registry.switches)).toBe(1000);
    const { registry, plain } = setup('5s');
    expect([effectiveBeatInterval(plain, registry.switches), beatIntervalSource(plain)]).toEqual([5000, 'server']);
  });

  it("checks an operator's value against the bounds and each instance that would take it", () => {
    const { registry } = setup(undefined);
    const instances = [...registry.findService('public', TEST_SERVICE)!.instances()];
    expect(() => checkServiceBeatInterval('2500', instances)).not.toThrow();
    expect(() => checkServiceBeatInterval('999', instances)).toThrow('from 1000 to 3600000');
    expect(() => checkServiceBeatInterval('x', instances)).toThrow('from 1000 to 3600000');
    expect(() => checkServiceBeatInterval('3000', instances)).toThrow(
      'must be less than the unhealthy timeout (3000) of 10.0.0.3:8080',
    );
  });
});
