import { Controller, Get, Inject, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InvalidParameterError } from '@beacon/core';
import { OperatorService, type ServerMember } from '../application/operator-service.js';
import type { ServerStatus } from '../application/server-status.js';
import { success, type NacosResult } from '../http/nacos-v2-result.js';
import type { ParamReader } from '../http/param-reader.js';
import { Params } from '../http/request-context.js';
import type { MemberV2 } from './responses.js';

/** Nacos's NodeState names, which `state` must be one of. */
const NODE_STATES = ['STARTING', 'UP', 'SUSPICIOUS', 'DOWN', 'ISOLATION'];

/**
 * Nacos 2.x's NacosClusterControllerV2, read-only. `node/self` is this server at the address and
 * port the caller reached (as /nacos/v1/ns/operator/servers lists it); `node/list` is this server
 * alone, or in cluster mode every live node at the address it announces.
 */
@Controller('nacos/v2/core/cluster')
export class ClusterV2Controller {
  constructor(@Inject(OperatorService) private readonly operator: OperatorService) {}

  @Get('node/self')
  self(@Req() request: FastifyRequest): NacosResult<MemberV2> {
    return success(this.selfMember(request));
  }

  /** Members whose address starts with `address` and whose state is `state`, when given. */
  @Get('node/list')
  async list(@Params() p: ParamReader, @Req() request: FastifyRequest): Promise<NacosResult<MemberV2[]>> {
    const address = p.get('address');
    const raw = p.get('state');
    const state = raw?.toUpperCase();
    if (state !== undefined && !NODE_STATES.includes(state)) {
      throw new InvalidParameterError(`Illegal state: ${raw}`, 'illegal-state');
    }
    const socket = request.raw.socket;
    const all = await this.operator.members(socket.localAddress, socket.localPort);
    const members = all
      .map(memberOf)
      .filter(
        (m) => (address === undefined || m.address.startsWith(address)) && (state === undefined || m.state === state),
      );
    return success(members);
  }

  @Get('node/self/health')
  health(): NacosResult<ServerStatus> {
    return success(this.operator.serverStatus);
  }

  private selfMember(request: FastifyRequest): MemberV2 {
    const socket = request.raw.socket;
    return memberOf(this.operator.selfMember(socket.localAddress, socket.localPort));
  }
}

function memberOf({ ip, port, state, lastRefreshTime }: ServerMember): MemberV2 {
  return {
    ip,
    port,
    state,
    extendInfo: { lastRefreshTime },
    address: `${ip}:${port}`,
    failAccessCnt: 0,
    abilities: {},
    grpcReportEnabled: true,
  };
}
