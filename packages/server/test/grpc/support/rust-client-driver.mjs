// Runs one real Nacos 2.x client (nacos-sdk-rust through its Node binding) in its own process, so
// a test can kill it like any crashed application. Commands arrive as JSON lines on stdin; results
// and subscription pushes leave as JSON lines on stdout.
//
// argv[2]: JSON of the binding's ClientOptions (serverAddr, namespace, username, password, ...).
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const { NacosNamingClient } = createRequire(import.meta.url)('nacos-sdk-rust-binding-node');
const client = new NacosNamingClient(JSON.parse(process.argv[2] ?? '{}'));
const listeners = new Map();

const ops = {
  register: ([service, group, instance]) => client.registerInstance(service, group, instance),
  deregister: ([service, group, instance]) => client.deregisterInstance(service, group, instance),
  batchRegister: ([service, group, instances]) => client.batchRegisterInstance(service, group, instances),
  getAllInstances: ([service, group]) => client.getAllInstances(service, group, null, false),
  selectInstances: ([service, group]) => client.selectInstances(service, group, null, false, true),
  selectOneHealthy: ([service, group]) => client.selectOneHealthyInstance(service, group, null, false),
  subscribe: ([service, group]) => {
    const key = `${group}@@${service}`;
    const listener = (error, instances) =>
      write({ event: 'push', key, error: error?.message, instances, at: Date.now() });
    listeners.set(key, listener);
    return client.subscribe(service, group, null, listener);
  },
  unsubscribe: ([service, group]) => client.unSubscribe(service, group, null, listeners.get(`${group}@@${service}`)),
};

function write(value) {
  process.stdout.write(JSON.stringify(value) + '\n');
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, op, args } = JSON.parse(line);
  const run = ops[op];
  if (!run) return write({ id, ok: false, error: `unknown op ${op}` });
  Promise.resolve()
    .then(() => run(args))
    .then(
      (result) => write({ id, ok: true, result: result ?? null, at: Date.now() }),
      (error) => write({ id, ok: false, error: String(error?.message ?? error), at: Date.now() }),
    );
});
write({ event: 'ready' });
