import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import type { ServiceChangeEvent } from '@beacon/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@beacon/test-support';
import { listedHosts, useBeaconServer } from './support/beacon.js';
import { BeaconConfigError } from '../src/config/config-error.js';
import { DiscoveryClient } from '../src/discovery/discovery-client.js';
import { OnInstancesChanged } from '../src/discovery/on-instances-changed.js';
import { BeaconHealthIndicator } from '../src/health/beacon-health-indicator.js';
import { BeaconModule } from '../src/nest/beacon.module.js';
import { registerOnListen } from '../src/registration/register-on-listen.js';

const beacon = useBeaconServer();

function registered(serviceName: string) {
  return listedHosts(beacon().baseUrl, serviceName);
}

async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A provider that follows `greeter` and, during shutdown, looks at the registry and at its own server. */
@Injectable()
class Watcher implements BeforeApplicationShutdown {
  readonly events: ServiceChangeEvent[] = [];
  atShutdown: { listed: number; ownServerAnswered: boolean } | undefined;
  url = '';

  @OnInstancesChanged('greeter')
  changed(event: ServiceChangeEvent): void {
    this.events.push(event);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const listed = (await registered('greeter')).length;
    const ownServerAnswered = (await fetch(`${this.url}/hello`).catch(() => undefined))?.status === 200;
    this.atShutdown = { listed, ownServerAnswered };
  }
}

@Controller()
class HelloController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(BeaconHealthIndicator) private readonly beaconHealth: BeaconHealthIndicator,
  ) {}

  @Get('hello')
  hello(): string {
    return 'hello';
  }

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.beaconHealth.isHealthy()]);
  }
}

function appModule(options: Parameters<typeof BeaconModule.forRoot>[0]) {
  @Module({
    imports: [BeaconModule.forRoot(options), TerminusModule],
    controllers: [HelloController],
    providers: [Watcher, BeaconHealthIndicator],
  })
  class AppModule {}
  return AppModule;
}

describe('BeaconModule in a Nest application', () => {
  let app: INestApplication;
  let port: number;

  beforeAll(async () => {
    app = await NestFactory.create(
      appModule({
        serverAddresses: beacon().baseUrl,
        serviceName: 'greeter',
        ip: '127.0.0.1',
        metadata: { 'preserved.heart.beat.interval': '1000', version: '1' },
      }),
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
    app.get(Watcher).url = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('registers the instance on the port the HTTP server listens on, with its metadata', async () => {
    const hosts = await eventually(
      () => registered('greeter'),
      (h) => h.length === 1,
    );
    expect(hosts).toMatchObject([
      { ip: '127.0.0.1', port, healthy: true, metadata: { 'preserved.heart.beat.interval': '1000', version: '1' } },
    ]);
  });

  it('finds and calls the instance through DiscoveryClient, and tells @OnInstancesChanged methods', async () => {
    const discovery = app.get(DiscoveryClient);
    // The module's own subscription (bootstrap) saw an empty list; the watch stream brings the registration.
    const chosen = await eventually(
      () => discovery.choose('greeter'),
      (c) => c !== undefined,
    );
    expect(chosen).toMatchObject({ ip: '127.0.0.1', port });
    expect(await (await discovery.fetch('greeter', '/hello')).text()).toBe('hello');
    const watcher = app.get(Watcher);
    const seen = await eventually(
      async () => watcher.events,
      (events) => events.some((e) => e.instances.some((i) => i.port === port)),
    );
    expect(seen.at(-1)?.serviceName).toBe('DEFAULT_GROUP@@greeter');
  });

  it('reports the registration and the watch stream through the terminus indicator', async () => {
    // The first beat (1 s) confirms the registration; the watch stream is live once a service is followed.
    const body = await eventually(
      async () =>
        (await fetch(`http://127.0.0.1:${port}/health`)).json() as Promise<{
          details: { beacon: Record<string, unknown> };
        }>,
      (b) => b.details?.beacon?.['watch'] === 'live',
    );
    expect(body.details.beacon).toMatchObject({
      status: 'up',
      registration: 'registered',
      instance: `127.0.0.1:${port}`,
      watch: 'live',
      server: beacon().baseUrl,
    });
  });

  it('deregisters on shutdown while the HTTP server still answers', async () => {
    await app.close();
    expect(app.get(Watcher).atShutdown).toEqual({ listed: 0, ownServerAnswered: true });
  });
});

describe('BeaconModule configuration', () => {
  it('registers through the next server of the list when the first one is down', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    @Module({
      imports: [
        BeaconModule.forRoot({
          serverAddresses: [dead, beacon().baseUrl],
          serviceName: 'failover',
          ip: '127.0.0.1',
          // random() = 0: the SDK starts with the first server, the dead one.
          client: { random: () => 0 },
        }),
      ],
    })
    class FailoverModule {}
    const app = await NestFactory.create(FailoverModule, { logger: false });
    try {
      await app.listen(0, '127.0.0.1');
      const port = (app.getHttpServer().address() as AddressInfo).port;
      const hosts = await eventually(
        () => registered('failover'),
        (h) => h.length === 1,
      );
      expect(hosts).toMatchObject([{ ip: '127.0.0.1', port }]);
    } finally {
      await app.close();
    }
  });

  it('fails the start with a message naming the option', async () => {
    const start = NestFactory.create(
      appModule({ serverAddresses: beacon().baseUrl, serviceName: 'greeter', port: 0 }),
      {
        logger: false,
        abortOnError: false,
      },
    );
    await expect(start).rejects.toThrow(BeaconConfigError);
    await expect(
      NestFactory.create(appModule({ serverAddresses: [], serviceName: 'greeter' }), {
        logger: false,
        abortOnError: false,
      }),
    ).rejects.toThrow(/^BeaconModule: serverAddresses must list at least one server/);
  });

  it('takes its options from a factory with injected providers (forRootAsync)', async () => {
    const SETTINGS = Symbol('settings');
    @Module({ providers: [{ provide: SETTINGS, useValue: { url: beacon().baseUrl } }], exports: [SETTINGS] })
    class SettingsModule {}
    @Module({
      imports: [
        BeaconModule.forRootAsync({
          imports: [SettingsModule],
          useFactory: (settings: { url: string }) => ({
            serverAddresses: settings.url,
            register: false,
            groupName: 'async',
          }),
          inject: [SETTINGS],
        }),
      ],
    })
    class AsyncModule {}
    const app = await NestFactory.create(AsyncModule, { logger: false });
    try {
      await app.init();
      expect(app.get(DiscoveryClient).naming.currentServer).toBe(beacon().baseUrl);
      expect(await app.get(DiscoveryClient).instances('nothing-here')).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('registerOnListen', () => {
  it('registers a plain Node server when it listens and deregisters on stop', async () => {
    const server = createServer((_req, res) => res.end('plain'));
    const handle = registerOnListen(
      server,
      { serverAddresses: beacon().baseUrl, serviceName: 'plain', ip: '127.0.0.1' },
      { log: () => {}, warn: () => {}, error: () => {} },
    );
    expect(handle.registration.state).toBe('waiting');
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const hosts = await eventually(
      () => registered('plain'),
      (h) => h.length === 1,
    );
    expect(hosts).toMatchObject([{ ip: '127.0.0.1', port }]);
    await expect.poll(() => handle.registration.state).toBe('registered');
    await handle.stop();
    expect(await registered('plain')).toEqual([]);
    expect(handle.registration.state).toBe('deregistered');
    await new Promise((r) => server.close(r));
  });

  it('refuses wrong options at once', () => {
    expect(() => registerOnListen(createServer(), { serverAddresses: beacon().baseUrl, serviceName: '' })).toThrow(
      /^registerOnListen: serviceName is required/,
    );
  });
});
