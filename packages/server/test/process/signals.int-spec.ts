/** Issue 21, item 8: only SIGTERM and SIGINT stop the server; other signals are logged and ignored. */
import { afterEach, describe, expect, it } from 'vitest';
import { READINESS_PATH, spawnServer, type SpawnedServer } from '@beacon/test-support';

let server: SpawnedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function waitForLog(s: SpawnedServer, text: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!s.stdout().includes(text)) {
    if (Date.now() > deadline) throw new Error(`log has no '${text}':\n${s.stdout()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('process signals', () => {
  it('SIGHUP, SIGUSR2 and SIGQUIT are logged and ignored; SIGTERM stops cleanly and says so', async () => {
    const s = (server = await spawnServer({ env: { BEACON_LOG_LEVEL: 'log' } }));
    for (const signal of ['SIGHUP', 'SIGUSR2', 'SIGQUIT'] as const) {
      s.child.kill(signal);
      await waitForLog(s, `${signal} received and ignored`);
      expect((await fetch(`${s.baseUrl}${READINESS_PATH}`)).status).toBe(200);
    }
    expect(await s.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(s.stdout()).toContain('SIGTERM received: stopping');
  });

  it('SIGINT stops cleanly and says so', async () => {
    const s = (server = await spawnServer({ env: { BEACON_LOG_LEVEL: 'log' } }));
    expect(await s.kill('SIGINT')).toEqual({ code: 0, signal: null });
    expect(s.stdout()).toContain('SIGINT received: stopping');
  });
});
