import { Controller, Get, Inject, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DEFAULT_CLUSTER, requireParam } from '@beacon/core';
import { InstanceService } from '../application/instance-service.js';
import { OperatorService } from '../application/operator-service.js';
import { Params, CurrentActor } from '../http/request-context.js';
import type { ParamReader } from '../http/param-reader.js';
import { instanceAddressOf } from '../nacos-common/nacos-params.js';
import type { HealthCheckerTypes, HealthGreeting } from './responses.js';
import type { Actor } from '../wire/actor.js';

@Controller('nacos/v1/ns/health')
export class HealthController {
  constructor(
    @Inject(InstanceService) private readonly instances: InstanceService,
    @Inject(OperatorService) private readonly operator: OperatorService,
  ) {}

  /** Sets health by hand; only for clusters whose checker is NONE. `valid` is the legacy name. */
  @Put(['instance', ''])
  async update(@Params() p: ParamReader, @CurrentActor() actor: Actor): Promise<string> {
    const address = instanceAddressOf(p, p.get('clusterName') ?? DEFAULT_CLUSTER);
    const healthy = requireParam(p.first('healthy', 'valid'), 'healthy');
    await this.instances.setHealth(address, healthy.toLowerCase() === 'true', actor);
    return 'ok';
  }

  @Get('server')
  server(@Req() request: FastifyRequest): HealthGreeting {
    return {
      msg: `Hello! I am Nacos-Naming and healthy! total services: raft ${this.operator.figures().serviceCount}, local port:${request.socket.localPort}`,
    };
  }

  @Get('checkers')
  checkers(): HealthCheckerTypes {
    return {
      TCP: { type: 'TCP' },
      HTTP: { type: 'HTTP', path: '', headers: '', expectedResponseCode: 200 },
      MYSQL: { type: 'MYSQL', user: null, pwd: null, cmd: null },
      NONE: { type: 'NONE' },
    };
  }
}
