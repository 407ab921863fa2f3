import type { ScenarioResult } from '../results.js';
import type { Scenario, ScenarioContext } from './context.js';

/**
 * Scenario 4: change-to-delivery latency of pushes. Needs the UDP pusher and the watch stream,
 * which are not in this build yet; until they are, the scenario says so instead of guessing.
 */
export const pushLatency: Scenario = {
  id: '4',
  title: 'Push latency: change to delivery',
  run(ctx: ScenarioContext): Promise<ScenarioResult> {
    return Promise.resolve({
      id: this.id,
      title: this.title,
      status: 'not-available',
      params: { subscribers: ctx.sizes.push.subscribers },
      data: null,
      rows: [
        {
          scenario: 'push latency',
          measure: 'change to delivery p50 / p99',
          value: 'not available: UDP push and the watch stream are not in this build',
          verdict: 'info',
        },
      ],
      notes: ['The push module (UDP pusher, SSE watch stream) has not landed; no figures are reported.'],
    });
  },
};
