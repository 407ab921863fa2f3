import { Controller, Get, Inject, Injectable, Query, ServiceUnavailableException } from '@nestjs/common';
import { DiscoveryClient, NoInstanceAvailableError, OnInstancesChanged, type ServiceChangeEvent } from '@beacon/nestjs';

/** Follows the greeters as the registry sees them; the list arrives through the watch stream. */
@Injectable()
export class GreeterPeers {
  healthy: string[] = [];

  @OnInstancesChanged('greeter')
  changed(event: ServiceChangeEvent): void {
    this.healthy = event.instances.filter((i) => i.healthy).map((i) => `${i.ip}:${i.port}`);
  }
}

@Controller()
export class CallerController {
  constructor(
    @Inject(DiscoveryClient) private readonly discovery: DiscoveryClient,
    @Inject(GreeterPeers) private readonly peers: GreeterPeers,
  ) {}

  /** Calls one greeter (weighted random among the healthy ones; another one if it cannot be reached). */
  @Get('call')
  async call(@Query('name') name = 'world'): Promise<unknown> {
    try {
      const response = await this.discovery.fetch('greeter', `/greet?name=${encodeURIComponent(name)}`);
      return await response.json();
    } catch (error) {
      if (error instanceof NoInstanceAvailableError) throw new ServiceUnavailableException(error.message);
      throw new ServiceUnavailableException(`greeter unreachable: ${(error as Error).message}`);
    }
  }

  @Get('peers')
  greeters(): { healthy: string[] } {
    return { healthy: this.peers.healthy };
  }
}
