// An application using the real SDK: a NamingClient registers one instance and keeps it alive with
// its beat reactor. Every SDK event is printed as one JSON line ({"event":"beat","intervalMs":...})
// so the tests follow the client from outside; "reregister" on stdin registers the instance again.
// It runs as its own process so a test can kill it like a crashed application.
import { createInterface } from 'node:readline';
import { NamingClient } from '@beacon/sdk';

const config = JSON.parse(process.argv[2] ?? '{}');
const { baseUrl, serviceName, groupName = 'DEFAULT_GROUP', ip, port, clusterName = 'DEFAULT' } = config;
const instance = { ip, port, clusterName, weight: 1, metadata: config.metadata ?? {} };

const emit = (event, fields = {}) => process.stdout.write(`${JSON.stringify({ event, at: Date.now(), ...fields })}\n`);

const client = new NamingClient({ serverAddresses: baseUrl, watch: false, udpPush: false });
client.on('beat', (e) => emit('beat', { intervalMs: e.intervalMs, code: e.code, light: e.light }));
client.on('intervalChanged', (e) => emit('intervalChanged', { previousMs: e.previousMs, intervalMs: e.intervalMs }));
client.on('reregistered', () => emit('reregistered'));
client.on('beatFailed', (e) => emit('error', { message: e.error.message }));

async function register() {
  try {
    await client.registerInstance(serviceName, instance, { groupName });
    emit('registered');
  } catch (error) {
    emit('error', { message: String(error?.message ?? error) });
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'reregister') void register();
});
process.on('SIGTERM', () => {
  void client.close().finally(() => process.exit(0));
});

await register();
