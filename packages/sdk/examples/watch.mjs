// Prints every change of the services named on the command line, as it happens.
//
//   node packages/sdk/examples/watch.mjs greeter orders@@payments
//
// With Beacon the changes come from its watch stream; pointed at a plain Nacos 1.x server the
// same code polls and receives UDP pushes. Stop it with Ctrl-C. Environment: BEACON_SERVERS
// (default 127.0.0.1:8848); the credentials: see credentials() below.
import { NamingClient } from '@beacon/sdk';

const services = process.argv.slice(2);
if (services.length === 0) {
  console.error('usage: node watch.mjs <service> [<group@@service> ...]');
  process.exit(2);
}
const naming = new NamingClient({
  serverAddresses: (process.env.BEACON_SERVERS ?? '127.0.0.1:8848').split(','),
  ...credentials(),
  // Show every list as the server has it, the empty one too (a client that routes calls would
  // rather keep the last non-empty list: the default).
  pushEmptyProtection: false,
});
naming.on('watchState', ({ state }) => console.log(`[watch ${state}]`));
naming.on('refreshFailed', ({ serviceName, error }) =>
  console.warn(`[${serviceName}: ${error.message}; serving the cache]`),
);

for (const service of services) {
  await naming.subscribe(service, (e) => {
    const show = (list) => list.map((i) => `${i.ip}:${i.port}${i.healthy ? '' : ' (unhealthy)'}`).join(', ');
    console.log(`${e.serviceName} [${e.source}] now: ${show(e.instances) || 'none'}`);
    if (e.added.length) console.log(`  + ${show(e.added)}`);
    if (e.removed.length) console.log(`  - ${show(e.removed)}`);
    if (e.modified.length) console.log(`  ~ ${show(e.modified)}`);
  });
}
process.once('SIGINT', () => naming.close());

/**
 * Auth is on by default, so log in: as BEACON_USERNAME (default `nacos`, the admin) with
 * BEACON_PASSWORD, or else BEACON_ADMIN_PASSWORD (the quickstart's admin password). With neither
 * set, no login: for a server started with BEACON_AUTH=off.
 */
function credentials() {
  const password = process.env.BEACON_PASSWORD || process.env.BEACON_ADMIN_PASSWORD;
  return password ? { username: process.env.BEACON_USERNAME || 'nacos', password } : {};
}
