import { Controller, Get, Inject, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DEFAULT_CLUSTER, Registry, requireParam } from '@beacon/core';
import { Params } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import { groupedServiceOf, namespaceOf } from './nacos-params.js';

@Controller('nacos/v1/ns/health')
export class HealthController {
  constructor(@Inject(Registry) private readonly registry: Registry) {}

  /** Sets health by hand; only for clusters whose checker is NONE. `valid` is the legacy name. */
  @Put(['instance', ''])
  update(@Params() p: ParamReader): string {
    const serviceName = groupedServiceOf(p);
    const ip = p.required('ip');
    const port = p.requiredInt('port');
    const healthy = requireParam(p.first('healthy', 'valid'), 'healthy');
    const clusterName = p.get('clusterName') ?? DEFAULT_CLUSTER;
    const address = { namespaceId: namespaceOf(p), serviceName, clusterName, ip, port };
    this.registry.setHealthManually(address, healthy.toLowerCase() === 'true');
    return 'ok';
  }

  @Get('server')
  server(@Req() request: FastifyRequest): object {
    return {
      msg: `Hello! I am Nacos-Naming and healthy! total services: raft ${this.registry.serviceCount()}, local port:${request.socket.localPort}`,
    };
  }

  @Get('checkers')
  checkers(): object {
    return {
      TCP: { type: 'TCP' },
      HTTP: { type: 'HTTP', path: '', headers: '', expectedResponseCode: 200 },
      MYSQL: { type: 'MYSQL', user: null, pwd: null, cmd: null },
      NONE: { type: 'NONE' },
    };
  }
}
