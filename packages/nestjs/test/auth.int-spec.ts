import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { afterEach, describe, expect, it } from 'vitest';
import { useBeaconServer } from './support/beacon.js';
import { BeaconHealthIndicator } from '../src/health/beacon-health-indicator.js';
import { BeaconModule } from '../src/nest/beacon.module.js';
import { InstanceRegistration } from '../src/registration/instance-registration.js';

const PASSWORD = 'nestjs-test-password';

const apps: INestApplication[] = [];

const beacon = useBeaconServer({ BEACON_AUTH: 'on', BEACON_ADMIN_PASSWORD: PASSWORD });

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function startApp(password: string): Promise<INestApplication> {
  @Module({
    imports: [
      BeaconModule.forRoot({
        serverAddresses: beacon().baseUrl,
        username: 'nacos',
        password,
        serviceName: 'secured',
        ip: '127.0.0.1',
      }),
      TerminusModule,
    ],
    providers: [BeaconHealthIndicator],
  })
  class SecuredModule {}
  const app = await NestFactory.create(SecuredModule, { logger: false });
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  return app;
}

async function settled(registration: InstanceRegistration): Promise<string> {
  const deadline = Date.now() + 5000;
  while (registration.state === 'waiting' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return registration.state;
}

describe('BeaconModule against a server with auth on', () => {
  it('logs in with the configured credentials and registers', async () => {
    const app = await startApp(PASSWORD);
    expect(await settled(app.get(InstanceRegistration))).toBe('registered');
    expect(app.get(BeaconHealthIndicator).isHealthy()).toMatchObject({ beacon: { status: 'up' } });
  });

  it('reports a wrong password as a refused registration: health down, with the reason', async () => {
    const app = await startApp('wrong-password');
    const registration = app.get(InstanceRegistration);
    expect(await settled(registration)).toBe('refused');
    const health = app.get(BeaconHealthIndicator).isHealthy('registry');
    expect(health).toMatchObject({ registry: { status: 'down', registration: 'refused' } });
    expect(String(health.registry.error)).toMatch(/nacos/);
  });
});
