/**
 * A real Prometheus (Debian's `prometheus` package) discovers its targets from Beacon's
 * /nacos/prometheus over HTTP SD, with Basic credentials as auth is on: its /api/v1/targets lists
 * the registered instances (Beacon's own /metrics among them, so one target is really scraped) and
 * drops one once it is deregistered. Skipped when the binary is absent (.ci/run installs it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, q, startAuthServer, type AuthServer } from '../auth/support/auth-server.js';
import { PROMETHEUS, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';

interface Target {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
}

describe.skipIf(PROMETHEUS === '')('Prometheus HTTP SD against a real Prometheus', () => {
  let server: AuthServer;
  let prometheus: RunningPrometheus | undefined;

  beforeAll(async () => {
    server = await startAuthServer();
    const admin = await server.adminHeaders();
    await server.http.send(
      'POST',
      `/nacos/v2/ns/service?${q({ serviceName: 'beacon-self', metadata: '{"team":"registry"}' })}`,
      {
        headers: admin,
      },
    );
    // Beacon itself, so that one target answers a scrape; and a target nothing listens on.
    for (const [serviceName, ip, port, metadata] of [
      ['beacon-self', '127.0.0.1', server.port, '{"env":"test"}'],
      ['silent', '127.0.0.41', 9, '{"app.tier":"edge"}'],
    ] as const) {
      const res = await server.http.send('POST', `/nacos/v2/ns/instance?${q({ serviceName, ip, port, metadata })}`, {
        headers: admin,
      });
      expect(res.status, res.body).toBe(200);
    }

    prometheus = await startPrometheus([
      'global: { scrape_interval: 1s, scrape_timeout: 1s }',
      'scrape_configs:',
      '  - job_name: beacon',
      '    http_sd_configs:',
      `      - url: http://127.0.0.1:${server.port}/nacos/prometheus`,
      '        refresh_interval: 1s',
      `        basic_auth: { username: nacos, password: "${ADMIN_PASSWORD}" }`,
    ]);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await server?.close();
  });

  async function activeTargets(): Promise<Target[]> {
    try {
      const res = await fetch(`http://127.0.0.1:${prometheus!.port}/api/v1/targets?state=active`);
      if (!res.ok) return [];
      return ((await res.json()) as { data: { activeTargets: Target[] } }).data.activeTargets;
    } catch {
      return [];
    }
  }

  /** Polls Prometheus until `done` holds for its targets (it refreshes discovery every second). */
  async function until(what: string, done: (targets: Target[]) => boolean): Promise<Target[]> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const targets = await activeTargets();
      if (done(targets)) return targets;
      if (Date.now() > deadline || !prometheus?.running()) {
        throw new Error(`${what}: last targets ${JSON.stringify(targets)}\n${prometheus?.output().slice(-3000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const addresses = (targets: Target[]) => targets.map((t) => t.discoveredLabels['__address__']).sort();

  it('lists the registered instances, with Nacos labels, and scrapes Beacon', async () => {
    const self = `127.0.0.1:${server.port}`;
    const targets = await until('both instances discovered and Beacon scraped', (ts) => {
      const found = addresses(ts);
      return found.includes(self) && found.includes('127.0.0.41:9') && ts.some((t) => t.health === 'up');
    });
    expect(addresses(targets)).toEqual([self, '127.0.0.41:9'].sort());
    const beacon = targets.find((t) => t.discoveredLabels['__address__'] === self)!;
    expect(beacon.health).toBe('up');
    expect(beacon.discoveredLabels).toMatchObject({
      __meta_clusterName: 'DEFAULT',
      __meta_beacon_service: 'beacon-self',
    });
    // Metadata labels survive relabelling: the instance's own and the service-wide one.
    expect(beacon.labels).toMatchObject({ env: 'test', team: 'registry', job: 'beacon' });
    const silent = targets.find((t) => t.discoveredLabels['__address__'] === '127.0.0.41:9')!;
    expect(silent.labels).toMatchObject({ app_tier: 'edge' });
  });

  it('drops a target once its instance is deregistered', async () => {
    const res = await server.http.send(
      'DELETE',
      `/nacos/v2/ns/instance?${q({ serviceName: 'silent', ip: '127.0.0.41', port: 9 })}`,
      { headers: await server.adminHeaders() },
    );
    expect(res.status, res.body).toBe(200);
    const targets = await until(
      'the deregistered instance dropped',
      (ts) => !addresses(ts).includes('127.0.0.41:9') && ts.length > 0,
    );
    expect(addresses(targets)).toEqual([`127.0.0.1:${server.port}`]);
  });
});
