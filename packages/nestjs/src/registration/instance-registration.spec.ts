import { EventEmitter } from 'node:events';
import { AuthenticationError, NetworkError, type InstanceInput, type NamingClient } from '@beacon/sdk';
import { describe, expect, it } from 'vitest';
import type { InstanceSpec } from '../config/options.js';
import { InstanceRegistration, type ListeningServer } from './instance-registration.js';

const spec: InstanceSpec = {
  serviceName: 'greeter',
  groupName: 'DEFAULT_GROUP',
  ip: '127.0.0.1',
  port: undefined,
  weight: 1,
  clusterName: 'DEFAULT',
  metadata: {},
};
const silent = { log: () => {}, warn: () => {}, error: () => {} };

/** The SDK client as the registration uses it: register / deregister calls and its beat events. */
class FakeNaming extends EventEmitter {
  readonly calls: string[] = [];
  registerResult: () => Promise<void> = async () => {};
  async registerInstance(name: string, i: InstanceInput): Promise<void> {
    this.calls.push(`register ${name} ${i.ip}:${i.port}`);
    return this.registerResult();
  }
  async deregisterInstance(name: string, i: InstanceInput): Promise<void> {
    this.calls.push(`deregister ${name} ${i.ip}:${i.port}`);
  }
  beat(event: 'beat' | 'beatFailed', port: number): void {
    const instance = { ip: '127.0.0.1', port, serviceName: 'DEFAULT_GROUP@@greeter' };
    this.emit(event, { instance, error: new Error('beat lost') });
  }
}

function setup(patch: Partial<InstanceSpec> = {}) {
  const naming = new FakeNaming();
  const registration = new InstanceRegistration(naming as unknown as NamingClient, { ...spec, ...patch }, silent);
  return { naming, registration };
}

/** A server that starts listening when told to, on port 4321. */
function server(): ListeningServer & { start(): void } {
  const emitter = new EventEmitter();
  let listening = false;
  return {
    get listening() {
      return listening;
    },
    address: () => (listening ? { address: '127.0.0.1', family: 'IPv4', port: 4321 } : null),
    once: (e, l) => emitter.once(e, l),
    off: (e, l) => emitter.off(e, l),
    start() {
      listening = true;
      emitter.emit('listening');
    },
  };
}

describe('InstanceRegistration', () => {
  it('waits for the server to listen and registers on its port', async () => {
    const { naming, registration } = setup();
    const http = server();
    registration.listenOn(http);
    expect(registration.state).toBe('waiting');
    expect(naming.calls).toEqual([]);
    http.start();
    await registration.register(0);
    expect(naming.calls).toEqual(['register greeter 127.0.0.1:4321']);
    expect(registration.state).toBe('registered');
    expect(registration.address).toBe('127.0.0.1:4321');
  });

  it('registers a configured port instead of the listening one', async () => {
    const { naming, registration } = setup({ port: 8080 });
    const http = server();
    http.start();
    registration.listenOn(http);
    await registration.register(0);
    expect(naming.calls).toEqual(['register greeter 127.0.0.1:8080']);
  });

  it('follows its own beats: retrying when they fail, registered when they are answered again', async () => {
    const { naming, registration } = setup();
    await registration.register(4321);
    naming.beat('beatFailed', 4321);
    expect(registration.state).toBe('retrying');
    expect(registration.lastError?.message).toBe('beat lost');
    naming.beat('beatFailed', 9999); // another instance of this client
    naming.beat('beat', 4321);
    expect(registration.state).toBe('registered');
    expect(registration.lastError).toBeUndefined();
  });

  it('tells a refused registration (stays refused) from an unreachable registry (retrying)', async () => {
    const refused = setup();
    refused.naming.registerResult = () => Promise.reject(new AuthenticationError('bad password', 403));
    await refused.registration.register(1);
    expect(refused.registration.state).toBe('refused');
    refused.naming.beat('beat', 1);
    expect(refused.registration.state).toBe('refused');

    const unreachable = setup();
    unreachable.naming.registerResult = () =>
      Promise.reject(new NetworkError('http://127.0.0.1:1', 'register', new Error('ECONNREFUSED')));
    await unreachable.registration.register(1);
    expect(unreachable.registration.state).toBe('retrying');
  });

  it('deregisters after a registration still in flight, once, and never registers again', async () => {
    const { naming, registration } = setup();
    let finish: () => void = () => {};
    naming.registerResult = () => new Promise<void>((resolve) => (finish = resolve));
    const registering = registration.register(4321);
    const deregistering = registration.deregister();
    finish();
    await Promise.all([registering, deregistering, registration.deregister()]);
    expect(naming.calls).toEqual(['register greeter 127.0.0.1:4321', 'deregister greeter 127.0.0.1:4321']);
    expect(registration.state).toBe('deregistered');
    await registration.register(4321);
    expect(naming.calls).toHaveLength(2);
  });

  it('does not register at all when the server never listened before shutdown', async () => {
    const { naming, registration } = setup();
    const http = server();
    registration.listenOn(http);
    await registration.deregister();
    http.start();
    expect(naming.calls).toEqual([]);
  });
});
