import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { listedHosts, useBeaconServer } from './support/beacon.js';
import { DiscoveryClient } from '../src/discovery/discovery-client.js';
import { BeaconModule } from '../src/nest/beacon.module.js';
import { InstanceRegistration } from '../src/registration/instance-registration.js';
import { registerOnListen } from '../src/registration/register-on-listen.js';

const beacon = useBeaconServer();

async function listed(serviceName: string): Promise<string[]> {
  return (await listedHosts(beacon().baseUrl, serviceName)).map((h) => `${h.ip}:${h.port}`);
}

/** Registration starts on the server's 'listening' event; nothing here calls register(). */
async function listedSoon(serviceName: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 5000;
  let hosts = await listed(serviceName);
  while (hosts.length < count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    hosts = await listed(serviceName);
  }
  return hosts;
}

@Controller()
class PingController {
  @Get('ping')
  ping(): string {
    return 'pong';
  }
}

describe('on Fastify', () => {
  it('registers a Nest app on the Fastify adapter when it listens, and deregisters on close', async () => {
    @Module({
      imports: [
        BeaconModule.forRoot({ serverAddresses: beacon().baseUrl, serviceName: 'nest-fastify', ip: '127.0.0.1' }),
      ],
      controllers: [PingController],
    })
    class FastifyAppModule {}
    const app = await NestFactory.create<NestFastifyApplication>(FastifyAppModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    expect(await listedSoon('nest-fastify', 1)).toEqual([`127.0.0.1:${port}`]);
    await expect.poll(() => app.get(InstanceRegistration).state).toBe('registered');
    expect(await (await app.get(DiscoveryClient).fetch('nest-fastify', '/ping')).text()).toBe('pong');
    await app.close();
    expect(await listed('nest-fastify')).toEqual([]);
  });

  it('registers a plain Fastify server through registerOnListen(fastify.server)', async () => {
    const fastify = Fastify();
    fastify.get('/ping', async () => 'pong');
    const beaconLink = registerOnListen(
      fastify.server,
      { serverAddresses: beacon().baseUrl, serviceName: 'plain-fastify', ip: '127.0.0.1' },
      { log: () => {}, warn: () => {}, error: () => {} },
    );
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    const port = (fastify.server.address() as AddressInfo).port;
    expect(await listedSoon('plain-fastify', 1)).toEqual([`127.0.0.1:${port}`]);
    await beaconLink.stop();
    expect(await listed('plain-fastify')).toEqual([]);
    await fastify.close();
  });
});
