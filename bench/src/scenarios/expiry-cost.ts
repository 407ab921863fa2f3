import { fileURLToPath } from 'node:url';
import { nextMessage, spawnNode, stopProcess } from '../process/node-process.js';
import type { ScenarioResult, SummaryRow } from '../results.js';
import { DEFAULT_INTERVAL_MS, kilo } from './common.js';
import type { Scenario, ScenarioContext } from './context.js';
import type { ExpirySimParams, ExpirySimResult } from './expiry-sim.js';
import { fmt } from './measure.js';

const ENTRY = fileURLToPath(new URL('./expiry-sim.js', import.meta.url));

/**
 * Scenario 5: what expiry costs with N instances of which 1% go silent. The core runs alone in a
 * child process on a fake clock (expiry-sim.ts), so the figure is the expiry work itself, not
 * HTTP noise: CPU per second while everyone beats, then the unhealthy wave and the delete wave.
 */
export const expiryCost: Scenario = {
  id: '5',
  title: 'Expiry cost with 1% of instances going silent',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const sizes = ctx.sizes.expiry;
    const params: ExpirySimParams = {
      instances: sizes.instances,
      perService: 100,
      silentPercent: sizes.silentPercent,
      silentAtSeconds: 10,
      simulatedSeconds: sizes.simulatedSeconds,
      tickMs: 500,
      intervalMs: DEFAULT_INTERVAL_MS,
    };
    const child = spawnNode(ENTRY, [], { cpu: ctx.serverCpu });
    let result: ExpirySimResult;
    try {
      await nextMessage(child, (m): m is { type: 'ready' } => (m as { type?: string })?.type === 'ready');
      const answer = nextMessage(
        child,
        (m): m is { type: 'result'; result: ExpirySimResult } | { type: 'error'; message: string } =>
          ['result', 'error'].includes((m as { type?: string })?.type ?? ''),
        600_000,
      );
      child.send({ type: 'simulate', params });
      const reply = await answer;
      if (reply.type === 'error') throw new Error(reply.message);
      result = reply.result;
    } finally {
      await stopProcess(child);
    }
    const perSecond = (p: ExpirySimResult['steady']) => (p.seconds > 0 ? p.totalMs / p.seconds : 0);
    const name = `expiry, ${kilo(sizes.instances)} instances, ${sizes.silentPercent}% silent`;
    const unhealthy = result.changes['instance.unhealthy'] ?? 0;
    const expired = result.changes['instance.expired'] ?? 0;
    const correct = result.falseExpiries === 0 && unhealthy === result.silent && expired === result.silent;
    const rows: SummaryRow[] = [
      {
        scenario: name,
        measure: 'expiry CPU while all beat',
        value: `${fmt.ms(perSecond(result.steady))} per second (${(perSecond(result.steady) / 10).toFixed(2)}% of a core), max tick ${fmt.ms(result.steady.maxTickMs)}`,
        verdict: 'info',
      },
      {
        scenario: name,
        measure: `marking ${fmt.int(result.silent)} unhealthy / deleting them`,
        value: `${fmt.ms(result.unhealthyWave.totalMs)} / ${fmt.ms(result.deleteWave.totalMs)} in total, max tick ${fmt.ms(Math.max(result.unhealthyWave.maxTickMs, result.deleteWave.maxTickMs))}`,
        verdict: 'info',
      },
      {
        scenario: name,
        measure: 'silent instances expired / false expiries',
        value: `${fmt.int(unhealthy)} unhealthy, ${fmt.int(expired)} deleted of ${fmt.int(result.silent)} / ${result.falseExpiries}`,
        target: `${fmt.int(result.silent)} / 0`,
        verdict: correct ? 'pass' : 'miss',
      },
    ];
    return {
      id: this.id,
      title: this.title,
      status: 'ok',
      params: {
        ...params,
        engine:
          '@beacon/core Registry + BeatProcessor + ExpiryScheduler on a FakeClock, one process; only runDue is timed',
        timings: 'defaults: unhealthy after 15 s, deleted after 30 s of silence (and not before 30 s after start)',
      },
      data: result,
      rows,
      notes: [],
    };
  },
};
