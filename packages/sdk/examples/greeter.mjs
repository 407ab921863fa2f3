// A tiny service that registers itself in Beacon, keeps itself alive with beats, discovers its
// peers (itself included) and load-balances calls over them, and logs every change to the list.
//
//   pnpm start                                    # a Beacon on http://127.0.0.1:8848 (README quickstart)
//   node packages/sdk/examples/greeter.mjs        # start one or more of these, each on its own port
//
// Environment: BEACON_SERVERS (default 127.0.0.1:8848); the credentials: see credentials() below.
// `--rounds N` makes N calls and exits (deregistering first), for scripts and tests.
import { createServer } from 'node:http';
import { NamingClient } from '@beacon/sdk';

const SERVICE = 'greeter';
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || Infinity;

// 1. An HTTP server on a free port: this is the "application".
const http = createServer((_req, res) => res.end(`hello from ${http.address().port}\n`));
await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
const port = http.address().port;

// 2. Register it. The client beats every 5 s (or as the server says) until deregistered.
const naming = new NamingClient({
  serverAddresses: (process.env.BEACON_SERVERS ?? '127.0.0.1:8848').split(','),
  ...credentials(),
});
naming.on('beatFailed', ({ error, retryInMs }) =>
  console.warn(`beat failed (${error.message}); retry in ${retryInMs} ms`),
);
naming.on('reregistered', () => console.log('the registry had lost us; registered again'));
await naming.registerInstance(SERVICE, { ip: '127.0.0.1', port, metadata: { version: '1.0.0' } });
console.log(`registered ${SERVICE} at 127.0.0.1:${port}`);

// 3. Watch the service: the whole list on every change, and what changed.
await naming.subscribe(SERVICE, ({ instances, added, removed }) => {
  const names = (list) => list.map((i) => `${i.ip}:${i.port}`).join(', ') || '-';
  console.log(`${SERVICE}: ${instances.length} instance(s); added ${names(added)}; removed ${names(removed)}`);
});

// 4. Discover and load-balance: one healthy instance per call, picked by weight.
let done = 0;
const timer = setInterval(async () => {
  const target = await naming.selectOneHealthyInstance(SERVICE);
  if (!target) return console.log('no healthy greeter yet');
  try {
    const answer = await fetch(`http://${target.ip}:${target.port}/`).then((r) => r.text());
    console.log(`called ${target.ip}:${target.port}: ${answer.trim()}`);
  } catch (error) {
    // A peer may be gone before the registry says so: a real caller retries another instance.
    console.log(`call to ${target.ip}:${target.port} failed: ${error.cause?.code ?? error.message}`);
  }
  if (++done >= rounds) await shutdown();
}, 1000);

async function shutdown() {
  clearInterval(timer);
  await naming.deregisterInstance(SERVICE, { ip: '127.0.0.1', port });
  await naming.close();
  http.close();
  console.log('deregistered; bye');
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);

/**
 * Auth is on by default, so log in: as BEACON_USERNAME (default `nacos`, the admin) with
 * BEACON_PASSWORD, or else BEACON_ADMIN_PASSWORD (the quickstart's admin password). With neither
 * set, no login: for a server started with BEACON_AUTH=off.
 */
function credentials() {
  const password = process.env.BEACON_PASSWORD || process.env.BEACON_ADMIN_PASSWORD;
  return password ? { username: process.env.BEACON_USERNAME || 'nacos', password } : {};
}
