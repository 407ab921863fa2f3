import { describe, expect, it } from 'vitest';
import { beatSteps, type CpuProfile } from './beat-steps.js';

function profile(frames: [functionName: string, url: string, micros: number][]): CpuProfile {
  return {
    nodes: frames.map(([functionName, url], i) => ({ id: i + 1, callFrame: { functionName, url } })),
    samples: frames.map((_, i) => i + 1),
    timeDeltas: frames.map(([, , micros]) => micros),
  };
}

describe('beatSteps', () => {
  it('splits the busy samples by step, idle and the profiler left out', () => {
    const steps = beatSteps(
      profile([
        ['(idle)', '', 500],
        ['dispatch', '', 300],
        ['writev', '', 40],
        ['find', 'file:///r/node_modules/.pnpm/find-my-way@9/node_modules/find-my-way/index.js', 10],
        ['check', 'file:///r/packages/server/dist/auth/auth-guard.js', 10],
        ['beat', 'file:///r/packages/core/dist/beat/beat-processor.js', 20],
        ['firstValues', 'file:///r/packages/server/dist/http/query-string.js', 20],
      ]),
    );
    expect(steps).toEqual([
      { step: 'kernel: writing the reply (writev)', share: 0.4 },
      { step: 'Fastify: routing, request and reply, hooks, body parser', share: 0.1 },
      { step: 'query string and form body decoding', share: 0.2 },
      { step: 'auth guard (policy; with auth on token cache and permission)', share: 0.1 },
      { step: 'core: BeatProcessor (find the instance, stamp, health)', share: 0.2 },
    ]);
  });
});
