/**
 * What the contract suite shares: the real server in process, raw gRPC clients speaking the Nacos
 * 2.x wire (../../grpc/support/raw-client.ts, @grpc/grpc-js and the repo's proto), and small
 * helpers. Each client family's file models what that client's own source relies on; nothing here
 * decides what a client accepts.
 */
import { startInProcessServer, type InProcessServer } from '@beacon/test-support';
import { NacosGrpcServer } from '../../support/built-internals.js';
import { NacosWire, NS } from '../../support/nacos-wire.js';
import { RawClient, type Decoded } from '../../grpc/support/raw-client.js';

export { NS, type Decoded };

export interface ContractServer extends AsyncDisposable {
  readonly server: InProcessServer;
  readonly http: NacosWire;
  /** A raw client with its stream set up; `setup` adds ConnectionSetupRequest fields. */
  connect(setup?: Record<string, unknown>, tenant?: string): Promise<RawClient>;
  /** A raw client without a stream (for what a transport gets before or without setup). */
  bare(): RawClient;
  /** Registers over the 1.x HTTP face, as another application would. */
  registerHttp(serviceName: string, ip: string, port: number, extra?: Record<string, string>): Promise<void>;
  deregisterHttp(serviceName: string, ip: string, port: number, extra?: Record<string, string>): Promise<void>;
}

export async function contractServer(env: Record<string, string> = {}): Promise<ContractServer> {
  const server = await startInProcessServer({ env });
  const port = server.app.get(NacosGrpcServer).port!;
  const http = new NacosWire(server.baseUrl, 'plain');
  const clients: RawClient[] = [];
  const bare = () => {
    const c = new RawClient(port);
    clients.push(c);
    return c;
  };
  return {
    server,
    http,
    bare,
    async connect(setup = {}, tenant = 'public') {
      const c = bare();
      await c.connect(tenant, { module: 'naming' }, setup);
      return c;
    },
    async registerHttp(serviceName, ip, port, extra = {}) {
      const res = await http.post(`${NS}/instance`, { serviceName, ip, port, ...extra });
      if (res.status !== 200) throw new Error(`register ${serviceName}: ${res.status} ${res.text}`);
    },
    async deregisterHttp(serviceName, ip, port, extra = {}) {
      const res = await http.delete(`${NS}/instance`, { serviceName, ip, port, ...extra });
      if (res.status !== 200) throw new Error(`deregister ${serviceName}: ${res.status} ${res.text}`);
    },
    async [Symbol.asyncDispose]() {
      for (const c of clients) c.close();
      await server.close();
    },
  };
}

/** Every null in a decoded JSON value, by path: Nacos writes none (Jackson, Include.NON_NULL). */
export function nullsIn(value: unknown, path = '$'): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nullsIn(v, `${path}[${i}]`));
  if (typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => nullsIn(v, `${path}.${k}`));
  return [];
}

/** The NotifySubscriberRequests a client has received whose serviceInfo satisfies `match`, waiting up to `ms`. */
export async function pushWhere(
  client: RawClient,
  match: (serviceInfo: Record<string, unknown>) => boolean,
  ms = 3000,
): Promise<Decoded> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = client.received.find(
      (m) => m.type === 'NotifySubscriberRequest' && match(m.body['serviceInfo'] as Record<string, unknown>),
    );
    if (found) return found;
    if (Date.now() > deadline) throw new Error('no matching NotifySubscriberRequest arrived');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const hostsOf = (serviceInfo: unknown) =>
  ((serviceInfo as { hosts?: { ip: string; port: number }[] }).hosts ?? []).map((h) => `${h.ip}:${h.port}`);

/** A subscription request as every 2.x client sends it: bare name and group apart. */
export function subscribe(serviceName: string, groupName: string, clusters = '', subscribing = true) {
  return { namespace: 'public', serviceName, groupName, clusters, subscribe: subscribing, requestId: 'sub' };
}

export function instanceRequest(serviceName: string, ip: string, port: number, instance: Record<string, unknown> = {}) {
  return {
    type: 'registerInstance',
    namespace: 'public',
    serviceName,
    groupName: 'DEFAULT_GROUP',
    requestId: 'reg',
    instance: { ip, port, weight: 1, healthy: true, enabled: true, ephemeral: true, metadata: {}, ...instance },
  };
}
