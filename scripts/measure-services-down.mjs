/**
 * The cost of the alerting series (docs/metrics.md, "Cost"): ServicesDown and its four series
 * rendered, at 100,000 instances in two shapes, on the built code (`pnpm build` first):
 *
 *   node scripts/measure-services-down.mjs
 */
const dist = (path) => new URL(`../packages/${path}`, import.meta.url).href;
const { MemoryStore, Registry } = await import(dist('core/dist/index.js'));
const { FakeClock, registerCommand, testAddress } = await import(dist('core/dist/testing/index.js'));
const { ServiceOutages } = await import(dist('server/dist/application/service-outages.js'));
const { ServicesDown } = await import(dist('server/dist/application/services-down.js'));
const { registerServicesDownMetrics } = await import(dist('server/dist/application/services-down-metrics.js'));
const { MetricsRegistry } = await import(dist('server/dist/metrics/metrics-registry.js'));

/** Median and max of `runs` timings of `work`, each after `prepare` (not timed). */
function time(label, prepare, work, runs = 15) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    prepare();
    const start = process.hrtime.bigint();
    work();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`  ${label}: median ${median.toFixed(3)} ms, max ${times.at(-1).toFixed(3)} ms (${runs} runs)`);
}

const nothing = () => {};
for (const [services, perService] of [
  [1_000, 100],
  [100_000, 1],
]) {
  const limits = { maxServicesPerNamespace: 1e6, maxInstancesPerNamespace: 1e6 };
  const registry = new Registry({ clock: new FakeClock(1_000_000), store: new MemoryStore(), limits });
  const instances = [];
  for (let s = 0; s < services; s++) {
    for (let i = 0; i < perService; i++) {
      const address = testAddress({ serviceName: `G@@svc-${s}`, ip: `127.0.${i >> 8}.${i & 255}`, port: 8000 });
      instances.push(registry.registerInstance(registerCommand(address)));
    }
  }
  console.log(`${services} services x ${perService} instances = ${registry.instanceCount()} instances`);
  const outages = new ServiceOutages(registry, 3_600_000);
  let down;
  time(
    'start-up read, all healthy',
    () => down?.close(),
    () => (down = new ServicesDown(registry, outages)),
    5,
  );
  const metrics = new MetricsRegistry();
  registerServicesDownMetrics(metrics, down);
  const scrape = () => metrics.render();
  const setAll = (healthy) => instances.forEach((i) => registry.setHealth(i, healthy));
  scrape();
  time('scrape, nothing changed', nothing, scrape);
  time('scrape after one change', () => registry.setHealth(instances[0], !instances[0].healthy), scrape);
  registry.setHealth(instances[0], true);
  scrape();
  time('scrape after every service changed', () => (setAll(false), setAll(true)), scrape, 5);
  time('first scrape once every service is down', () => (setAll(true), scrape(), setAll(false)), scrape, 5);
  time('scrape, every service down, nothing changed', nothing, scrape);
  console.log(`  exposition while every service is down: ${scrape().length} bytes`);
}
