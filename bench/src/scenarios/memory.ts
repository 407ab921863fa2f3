import { setTimeout as sleep } from 'node:timers/promises';
import { LoadGenerator } from '../load/load-generator.js';
import type { InstanceSet } from '../load/workload.js';
import type { ScenarioResult, SummaryRow } from '../results.js';
import type { ProbeReport } from '../servers/probe-hook.js';
import { BOTH_SHAPES, kilo, registerInstances } from './common.js';
import type { Scenario, ScenarioContext } from './context.js';

export const BYTES_PER_INSTANCE_TARGET = 1536;

/**
 * Scenario 6: bytes of memory per ephemeral instance. A server started with --expose-gc registers
 * a tenth of the instances (which pays every one-off cost: JIT, caches, first services), is
 * collected and measured, then registers the rest and is collected and measured again. The heap
 * growth divided by the instances added is the cost of one instance, its share of its service
 * included. The load generator's connections are closed before each reading.
 */
export const memory: Scenario = {
  id: '6',
  title: 'Memory per ephemeral instance',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const sizes = ctx.sizes.memory;
    const set: InstanceSet = { count: sizes.instances, perService: sizes.perService, shapes: BOTH_SHAPES };
    const first = Math.round(sizes.instances / 10);
    const generator = await LoadGenerator.start(ctx.generatorCpu);
    const server = await ctx.startBeacon({ exposeGc: true });
    let before: ProbeReport;
    let after: ProbeReport;
    let rssBefore: number;
    let rssAfter: number;
    try {
      await registerInstances(generator, server, set, 32, 0, first);
      await sleep(200);
      before = await server.collectGarbage();
      rssBefore = server.sample().rssBytes;
      ctx.log(`  registering ${kilo(sizes.instances - first)} more instances`);
      await registerInstances(generator, server, set, 32, first);
      await sleep(200);
      after = await server.collectGarbage();
      rssAfter = server.sample().rssBytes;
    } finally {
      await server.stop();
      await generator.close();
    }
    const added = sizes.instances - first;
    const heapPer = (after.memory.heapUsed - before.memory.heapUsed) / added;
    const externalPer = (after.memory.external - before.memory.external) / added;
    const rssPer = (rssAfter - rssBefore) / added;
    const rows: SummaryRow[] = [
      {
        scenario: `memory, ${kilo(sizes.instances)} instances`,
        measure: 'heap bytes per ephemeral instance',
        value: `${Math.round(heapPer)} B (+${Math.round(externalPer)} B off-heap; RSS grew ${Math.round(rssPer)} B per instance)`,
        target: `< ${BYTES_PER_INSTANCE_TARGET} B`,
        verdict: heapPer + Math.max(0, externalPer) < BYTES_PER_INSTANCE_TARGET ? 'pass' : 'miss',
      },
    ];
    return {
      id: this.id,
      title: this.title,
      status: 'ok',
      params: {
        instances: sizes.instances,
        measuredFrom: first,
        instancesPerService: sizes.perService,
        clientShapes: 'half Java 1.4.8 (metadata preserved.register.source=SPRING_CLOUD), half Node (metadata {})',
        method: 'process.memoryUsage() after four global.gc() passes, before and after; --expose-gc',
      },
      data: {
        before: before.memory,
        after: after.memory,
        instancesBefore: before.instances,
        instancesAfter: after.instances,
        heapBytesPerInstance: heapPer,
        externalBytesPerInstance: externalPer,
        rssBytesPerInstance: rssPer,
      },
      rows,
      notes: [],
    };
  },
};
