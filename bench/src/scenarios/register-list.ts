import { LoadGenerator } from '../load/load-generator.js';
import { serviceCount, type InstanceSet } from '../load/workload.js';
import type { ScenarioResult, SummaryRow } from '../results.js';
import { BOTH_SHAPES, kilo, registerInstances } from './common.js';
import type { Scenario, ScenarioContext } from './context.js';
import { fmt, loadFailures, measureLoad } from './measure.js';

/**
 * Scenario 3: registrations per second (POST /instance, closed-loop, each instance once, which
 * creates a service and its cluster in SQLite every `perService` instances), then
 * /instance/list queries per second over those services, closed-loop.
 */
export const registerAndList: Scenario = {
  id: '3',
  title: 'Registration and instance-list throughput',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const { register, list } = ctx.sizes;
    const set: InstanceSet = { count: register.instances, perService: register.perService, shapes: BOTH_SHAPES };
    const generator = await LoadGenerator.start(ctx.generatorCpu);
    const server = await ctx.startBeacon();
    try {
      ctx.log(`  registering ${kilo(set.count)} instances in ${kilo(serviceCount(set))} services`);
      const from = server.sample();
      const registration = await registerInstances(generator, server, set, register.connections);
      const to = server.sample();
      ctx.log(`  listing`);
      const m = await measureLoad(
        generator,
        {
          host: '127.0.0.1',
          port: server.port,
          workload: { kind: 'list', set },
          mode: 'closed',
          connections: list.connections,
          warmupMs: list.warmupMs,
          durationMs: list.durationMs,
          drainMs: 3000,
          expectBody: '"hosts":[{',
        },
        server,
      );
      const failures = loadFailures(m.load);
      const regCpu = ((to.cpuMs - from.cpuMs) / Math.max(1, to.at - from.at)) * 100;
      const rows: SummaryRow[] = [
        {
          scenario: `register ${kilo(set.count)} instances`,
          measure: 'registrations/s',
          value: `${fmt.int(registration.throughput)} (p50 ${fmt.ms(registration.latency.p50)}, p99 ${fmt.ms(registration.latency.p99)}, CPU ${fmt.pct(regCpu)})`,
          verdict: 'info',
        },
        {
          scenario: `list, ${register.perService} hosts per service`,
          measure: '/instance/list queries/s',
          value:
            `${fmt.int(m.load.throughput)} (p50 ${fmt.ms(m.load.latency.p50)}, p99 ${fmt.ms(m.load.latency.p99)}, CPU ${fmt.pct(m.server.cpuPercent)})` +
            (failures > 0 ? `, ${failures} failed` : ''),
          verdict: failures > 0 ? 'miss' : 'info',
        },
      ];
      return {
        id: this.id,
        title: this.title,
        status: 'ok',
        params: {
          instances: set.count,
          instancesPerService: set.perService,
          services: serviceCount(set),
          clientShapes: 'half Java 1.4.8, half Node nacos-naming',
          registerConnections: register.connections,
          registerSchedule: 'closed loop, every instance once',
          listConnections: list.connections,
          listQuery: 'udpPort=0 (no push target), healthyOnly=false, every service in turn',
          listWarmupMs: list.warmupMs,
          listDurationMs: list.durationMs,
        },
        data: { registration, registrationCpuPercent: regCpu, list: m },
        rows,
        notes: [],
      };
    } finally {
      await server.stop();
      await generator.close();
    }
  },
};
