// A beating client that speaks the Nacos 1.x HTTP API exactly like the Java client's beat reactor:
// register, then beat with the full instance, waiting for the `clientBeatInterval` of each reply.
// It prints one JSON line per event ({"event":"beat","intervalMs":...}) so the tests can follow it,
// and answers "reregister" on stdin. Stand-in until the SDK's NamingClient lands.
import { createInterface } from 'node:readline';

const config = JSON.parse(process.argv[2] ?? '{}');
const { baseUrl, serviceName, groupName = 'DEFAULT_GROUP', ip, port, clusterName = 'DEFAULT' } = config;
const metadata = config.metadata ?? {};
const grouped = `${groupName}@@${serviceName}`;

const emit = (event, fields = {}) => process.stdout.write(`${JSON.stringify({ event, at: Date.now(), ...fields })}\n`);

async function call(method, path, params) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text;
}

async function register() {
  await call('POST', '/nacos/v1/ns/instance', {
    serviceName: grouped,
    groupName,
    ip,
    port: String(port),
    clusterName,
    weight: '1',
    enable: 'true',
    healthy: 'true',
    ephemeral: 'true',
    metadata: JSON.stringify(metadata),
  });
  emit('registered');
}

let intervalMs = Number(metadata['preserved.heart.beat.interval'] ?? 5000);
let timer;

async function beat() {
  const beatInfo = { serviceName: grouped, ip, port, cluster: clusterName, weight: 1, metadata, scheduled: false };
  try {
    const reply = JSON.parse(
      await call('PUT', '/nacos/v1/ns/instance/beat', { serviceName: grouped, beat: JSON.stringify(beatInfo) }),
    );
    const next = Number(reply.clientBeatInterval);
    // Same shapes as the SDK's events: `beat.intervalMs` is the delay until the next beat.
    if (Number.isFinite(next) && next > 0 && next !== intervalMs) {
      emit('intervalChanged', { previousMs: intervalMs, intervalMs: next });
      intervalMs = next;
    }
    emit('beat', { intervalMs, code: reply.code });
  } catch (error) {
    emit('error', { message: String(error?.message ?? error) });
  }
  timer = setTimeout(beat, intervalMs);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'reregister') {
    register().catch((error) => emit('error', { message: String(error?.message ?? error) }));
  }
});
process.on('SIGTERM', () => {
  clearTimeout(timer);
  process.exit(0);
});

await register();
await beat();
