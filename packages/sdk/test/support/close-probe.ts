import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = pathToFileURL(resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/index.js')).href;

/**
 * Runs a client of the built package in a child process: it registers (beats), subscribes (watch
 * stream or polling with the UDP receiver), waits until `mode` is reached, then calls close().
 * If close() left a timer, stream or socket behind, the process would never exit: `code` is then
 * 'hung' (after 15 s, and the child is killed).
 */
export async function closeInChildProcess(
  serverUrl: string,
  mode: 'live' | 'unsupported',
): Promise<{ code: number | null | 'hung'; output: string }> {
  const script = `
    import { NamingClient } from ${JSON.stringify(built)};
    const app = new NamingClient({ serverAddresses: [process.env.SERVER], cacheMillis: 300 });
    const reached = app.nextEvent('watchState', (s) => s.state === ${JSON.stringify(mode)});
    await app.registerInstance('tidy', { ip: '10.13.0.1', port: 1, metadata: { 'preserved.heart.beat.interval': '500' } });
    await app.subscribe('tidy', () => {});
    await reached;
    await app.nextEvent('beat');
    await app.nextEvent('beat');
    await app.getAllInstances('tidy-too');
    await app.close();
    console.log('closed');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, SERVER: serverUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), 15_000)));
  const code = await Promise.race([exited, hung]);
  clearTimeout(timer);
  if (code === 'hung') child.kill('SIGKILL');
  return { code, output };
}
