import { createServer } from 'node:net';
import { makeDataDir, removeDataDir, spawnServer, type SpawnedServer } from '@beacon/test-support';

/** Whether a TCP port on 127.0.0.1 can be listened on right now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * An HTTP port P with P + 1000 free too: Nacos 2.x clients find the gRPC port by adding 1000 to
 * the address they are given, so the test server must listen on exactly that pair.
 */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below Linux's ephemeral range (32768 and up): a port checked free here cannot then be taken
    // by an outgoing connection of another test before the server binds it.
    const port = 10_000 + Math.floor(Math.random() * 21_700);
    if ((await isFree(port)) && (await isFree(port + 1000))) return port;
  }
  throw new Error('no free port pair found');
}

export interface GrpcTestServer extends AsyncDisposable {
  readonly server: SpawnedServer;
  readonly httpPort: number;
  readonly dataDir: string;
  /** What clients are given: `127.0.0.1:<HTTP port>`. */
  readonly serverAddr: string;
  /** Stops the server (SIGTERM) and starts it again on the same ports and data. */
  restart(): Promise<SpawnedServer>;
}

/** The built server on a port pair that Nacos 2.x clients can find. */
export async function spawnGrpcServer(env: Record<string, string> = {}): Promise<GrpcTestServer> {
  const dataDir = makeDataDir();
  const httpPort = await freePortPair();
  const start = () =>
    spawnServer({ dataDir, port: httpPort, env: { BEACON_GRPC_PORT: String(httpPort + 1000), ...env } });
  const handle = {
    server: await start(),
    httpPort,
    dataDir,
    serverAddr: `127.0.0.1:${httpPort}`,
    async restart() {
      await handle.server.kill('SIGTERM');
      handle.server = await start();
      return handle.server;
    },
    async [Symbol.asyncDispose]() {
      await handle.server.kill('SIGKILL');
      removeDataDir(dataDir);
    },
  };
  return handle;
}
