import { InvalidParameterError, LimitExceededError } from '@beacon/core';
import { describe, expect, it } from 'vitest';
import { ConnectionSubscribers, serviceKeyOf, type ConnectionSubscriber } from './connection-subscribers.js';

function subscriber(allowed: (serviceName: string) => boolean = () => true): ConnectionSubscriber {
  return {
    request: () => Promise.resolve(true),
    isClosed: false,
    mayReceive: (_namespaceId, serviceName) => allowed(serviceName),
    describe: { id: 'conn-1', ip: '127.0.0.1', port: 1, agent: 'test', app: 'test' },
  };
}
const subscription = (serviceName: string, clusters = '') => ({ namespaceId: 'public', serviceName, clusters });

describe('ConnectionSubscribers', () => {
  it('caps subscriptions per subscriber; subscribing again to a held service is fine', () => {
    const subscribers = new ConnectionSubscribers(2);
    const s = subscriber();
    subscribers.subscribe(s, subscription('G@@a'));
    subscribers.subscribe(s, subscription('G@@b'));
    subscribers.subscribe(s, subscription('G@@a', 'c1'));
    expect(() => subscribers.subscribe(s, subscription('G@@c'))).toThrow(LimitExceededError);
    // Another subscriber has its own budget.
    subscribers.subscribe(subscriber(), subscription('G@@c'));
    expect(subscribers.count()).toBe(3);
  });

  it('refuses clusters longer than 4096 characters', () => {
    const subscribers = new ConnectionSubscribers();
    expect(() => subscribers.subscribe(subscriber(), subscription('G@@a', 'x'.repeat(4097)))).toThrow(
      InvalidParameterError,
    );
    expect(subscribers.count()).toBe(0);
  });

  it('revalidate drops exactly the subscriptions their subscriber may no longer read', () => {
    let allowedB = true;
    const subscribers = new ConnectionSubscribers();
    const s = subscriber((name) => name !== 'G@@b' || allowedB);
    subscribers.subscribe(s, subscription('G@@a'));
    subscribers.subscribe(s, subscription('G@@b'));
    expect(subscribers.revalidate()).toBe(0);
    allowedB = false;
    expect(subscribers.revalidate()).toBe(1);
    expect(subscribers.has(serviceKeyOf('public', 'G@@a'))).toBe(true);
    expect(subscribers.has(serviceKeyOf('public', 'G@@b'))).toBe(false);
  });
});
