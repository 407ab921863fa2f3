/**
 * Issue 24, item 8: alerting. A real server's /metrics reports the services nobody can be sent to;
 * the example rules and dashboard in docs/alerting/ parse (Debian's promtool), their unit tests pass,
 * every Beacon metric they name is one a real server exposes, and a real Prometheus loading the
 * rules and scraping the server raises the alerts. The promtool and Prometheus parts are skipped
 * when the binaries are absent (.ci/run installs Debian's `prometheus`, which has both).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startInProcessServer, type InProcessServer } from '@beacon/test-support';
import { PROMETHEUS, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';

const ALERTING = join(REPO_ROOT, 'docs/alerting');
const RULES = join(ALERTING, 'beacon-alerts.yml');
const RULE_TESTS = join(ALERTING, 'beacon-alerts.test.yml');
const DASHBOARD = join(ALERTING, 'beacon-dashboard.json');
const METRICS_DOC = join(REPO_ROOT, 'docs/metrics.md');

const which = (binary: string) => spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).stdout.trim();
const PROMTOOL = which('promtool');

/** Series Prometheus makes itself, not Beacon: allowed in the rules and the dashboard. */
const PROMETHEUS_OWN = new Set(['up']);

let server: InProcessServer;
let scrape = '';
let dir = '';

async function nacos(method: 'POST' | 'DELETE', params: Record<string, string>): Promise<void> {
  const res = await fetch(`${server.baseUrl}/nacos/v1/ns/instance?${new URLSearchParams(params)}`, { method });
  expect(await res.text()).toBe('ok');
}

beforeAll(async () => {
  server = await startInProcessServer();
  dir = mkdtempSync(join(tmpdir(), 'beacon-alerting-'));
  await nacos('POST', { serviceName: 'fine', ip: '127.0.0.1', port: '8001' });
  await nacos('POST', { serviceName: 'sick', ip: '127.0.0.1', port: '8002', healthy: 'false' });
  // healthy but disabled: no client is sent to it either
  await nacos('POST', { serviceName: 'sick', ip: '127.0.0.2', port: '8002', enabled: 'false' });
  const gone = { serviceName: 'billing', groupName: 'pay', namespaceId: 'eu', ip: '127.0.0.3', port: '8003' };
  await nacos('POST', gone);
  await nacos('DELETE', gone);
  const res = await fetch(`${server.baseUrl}/metrics`);
  expect(res.status).toBe(200);
  scrape = await res.text();
});

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await server?.close();
});

/** The sample lines of one metric (any labels). */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

/** Every metric the scrape declares (`# TYPE name type`), with a histogram's series names. */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

interface DashboardPanel {
  readonly title: string;
  readonly type: string;
  readonly targets?: { expr: string }[];
}

function dashboardExpressions(): { title: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: DashboardPanel[] };
  return dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })));
}

function ruleExpressions(): string[] {
  return [...readFileSync(RULES, 'utf8').matchAll(/expr: (?:>-\n)?([\s\S]*?)\n\s+(?:for|labels):/g)].map((m) => m[1]!);
}

/** The metric names a PromQL expression reads: its identifiers that are not functions, keywords or labels. */
function metricNames(expr: string): string[] {
  const withoutLabels = expr
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\b(by|without)\s*\([^)]*\)/g, '') // grouping labels
    .replace(/\[[^\]]*\]/g, '') // ranges
    .replace(/"[^"]*"/g, '');
  const keywords = new Set(['by', 'without', 'or', 'and', 'unless', 'on', 'ignoring', 'bool', 'offset']);
  return [...withoutLabels.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b\s*(\()?/g)]
    .filter((m) => m[2] === undefined && !keywords.has(m[1]!))
    .map((m) => m[1]!);
}

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(PROMTOOL, args, { encoding: 'utf8', cwd: ALERTING });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('the alerting series on a real server', () => {
  it('counts the services without a healthy instance and those that lost every one, by namespace and group', () => {
    expect(samples(scrape, 'beacon_services_no_healthy_instances')).toEqual([
      'beacon_services_no_healthy_instances{group="DEFAULT_GROUP",namespace="public"} 1',
    ]);
    expect(samples(scrape, 'beacon_services_lost_all_instances')).toEqual([
      'beacon_services_lost_all_instances{group="pay",namespace="eu"} 1',
    ]);
  });

  it('lists each service down with its reason and since when', () => {
    const down = samples(scrape, 'beacon_service_down_since_seconds');
    expect(down.map((line) => line.replace(/ [\d.]+$/, ''))).toEqual([
      'beacon_service_down_since_seconds{group="pay",namespace="eu",reason="lost_all_instances",service="billing"}',
      'beacon_service_down_since_seconds{group="DEFAULT_GROUP",namespace="public",reason="no_healthy_instances",service="sick"}',
    ]);
    for (const line of down) {
      const since = Number(line.split(' ').at(-1)) * 1000;
      expect(Date.now() - since).toBeGreaterThanOrEqual(0);
      expect(Date.now() - since).toBeLessThan(60_000);
    }
    expect(samples(scrape, 'beacon_services_down_unlisted')).toEqual(['beacon_services_down_unlisted 0']);
  });
});

describe('docs/metrics.md', () => {
  it('documents every metric a real server exposes, and no other', () => {
    const documented = [...readFileSync(METRICS_DOC, 'utf8').matchAll(/^\| `(beacon_\w+)`/gm)].map((m) => m[1]!);
    const declared = [...scrape.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
    expect(declared.length).toBeGreaterThan(20);
    expect([...documented].sort()).toEqual([...declared].sort());
  });
});

describe('docs/alerting: the example rules and dashboard', () => {
  it('name only metrics a real server exposes', () => {
    const exposed = exposedNames(scrape);
    const used = new Map<string, string>();
    for (const expr of ruleExpressions()) for (const name of metricNames(expr)) used.set(name, `rule: ${expr}`);
    for (const { title, expr } of dashboardExpressions()) {
      for (const name of metricNames(expr)) used.set(name, `panel "${title}": ${expr}`);
    }
    expect(ruleExpressions()).toHaveLength(8);
    expect(used.size).toBeGreaterThan(15);
    const unknown = [...used].filter(([name]) => !exposed.has(name) && !PROMETHEUS_OWN.has(name));
    expect(unknown).toEqual([]);
  });

  it('the dashboard is Grafana JSON whose panels each query something', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      uid: string;
      panels: DashboardPanel[];
      templating: { list: { name: string; type: string }[] };
    };
    expect(dashboard.uid).toBe('beacon-overview');
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource' }),
    );
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.targets?.length ?? 0, panel.title).toBeGreaterThan(0);
    }
  });

  it.skipIf(PROMTOOL === '')('promtool: the rules parse and their unit tests pass', () => {
    const checked = promtool('check', 'rules', RULES);
    expect(checked.status, checked.output).toBe(0);
    expect(checked.output).toContain('SUCCESS: 8 rules found');
    const tested = promtool('test', 'rules', RULE_TESTS);
    expect(tested.status, tested.output).toBe(0);
  });

  it.skipIf(PROMTOOL === '')("promtool: every dashboard query is valid PromQL (Grafana's variables aside)", () => {
    const file = join(dir, 'dashboard-queries.yml');
    const rules = dashboardExpressions().map(
      ({ expr }, i) => `      - record: dashboard_query_${i}\n        expr: ${JSON.stringify(expr)}`,
    );
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
    const checked = promtool('check', 'rules', file);
    expect(checked.status, checked.output).toBe(0);
    expect(checked.output).toContain(`SUCCESS: ${rules.length} rules found`);
  });
});

describe.skipIf(PROMETHEUS === '')('a real Prometheus with the example rules', () => {
  let prometheus: RunningPrometheus | undefined;

  beforeAll(async () => {
    prometheus = await startPrometheus([
      'global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }',
      `rule_files: [${JSON.stringify(RULES)}]`,
      'scrape_configs:',
      '  - job_name: beacon',
      `    static_configs: [{ targets: ["127.0.0.1:${server.port}"] }]`,
    ]);
  });

  afterAll(() => prometheus?.stop());

  interface Alert {
    labels: Record<string, string>;
    state: 'pending' | 'firing';
  }

  async function alerts(): Promise<Alert[]> {
    try {
      const res = await fetch(`http://127.0.0.1:${prometheus!.port}/api/v1/alerts`);
      if (!res.ok) return [];
      return ((await res.json()) as { data: { alerts: Alert[] } }).data.alerts;
    } catch {
      return [];
    }
  }

  it('raises an alert for the service without a healthy instance and for the one that lost every instance', async () => {
    const deadline = Date.now() + 30_000;
    const named = (list: Alert[]) =>
      list
        .map((a) => `${a.labels['alertname']} ${a.labels['namespace']}/${a.labels['group']}/${a.labels['service']}`)
        .sort();
    const expected = [
      'BeaconServiceLostAllInstances eu/pay/billing',
      'BeaconServiceNoHealthyInstance public/DEFAULT_GROUP/sick',
    ];
    let seen: Alert[] = [];
    while (Date.now() < deadline && prometheus?.running()) {
      seen = await alerts();
      if (JSON.stringify(named(seen)) === JSON.stringify(expected)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(named(seen), prometheus?.output().slice(-3000)).toEqual(expected);
    // pending for their minute (`for: 1m`), with the severity the rules give
    expect(seen.every((a) => a.state === 'pending' && a.labels['severity'] === 'critical')).toBe(true);
  });
});
