import { formOf, RawHttp } from './raw-http.js';
import { findInstance, observeService } from './observe.js';

interface InstanceState {
  present: boolean;
  version: number;
}

/**
 * One writer of persistent state (`ephemeral=false` registrations with a version in their
 * metadata, deregistrations, service creations), one request at a time, remembering what the
 * server acknowledged. The request in flight when the server dies is "uncertain": afterwards it
 * may or may not have happened, but everything acknowledged must have.
 */
export class PersistentWriter {
  readonly service: string;
  private readonly acked = new Map<number, InstanceState>();
  private uncertain: { port: number; state: InstanceState } | undefined;
  private readonly ackedServices: string[] = [];
  private version = 0;
  private created = 0;
  acknowledged = 0;

  constructor(
    readonly id: number,
    private readonly random: () => number,
  ) {
    this.service = `churn-persist-${id}`;
  }

  /** Writes until a request fails (the server died) or `stopped()` says so. */
  async run(port: number, stopped: () => boolean): Promise<void> {
    const http = new RawHttp('127.0.0.1', port, 3_000);
    try {
      while (!stopped()) {
        if (!(await this.step(http))) return;
      }
    } finally {
      http.close();
    }
  }

  private async step(http: RawHttp): Promise<boolean> {
    const roll = this.random();
    const port = 20_000 + this.id * 100 + Math.floor(this.random() * 10);
    if (roll < 0.15) {
      const name = `churn-svc-${this.id}-${++this.created}`;
      const ok = await send(http, 'POST', '/nacos/v1/ns/service', {
        serviceName: name,
        metadata: `{"by":"${this.id}"}`,
      });
      if (ok) this.ackedServices.push(name);
      return ok;
    }
    const current = this.acked.get(port) ?? { present: false, version: 0 };
    let next: InstanceState;
    let request: Promise<boolean>;
    if (roll < 0.35 && current.present) {
      next = { present: false, version: 0 };
      request = send(http, 'DELETE', '/nacos/v1/ns/instance', {
        serviceName: this.service,
        ip: '127.0.0.1',
        port: String(port),
        ephemeral: 'false',
      });
    } else {
      next = { present: true, version: ++this.version };
      request = send(http, 'POST', '/nacos/v1/ns/instance', {
        serviceName: this.service,
        ip: '127.0.0.1',
        port: String(port),
        ephemeral: 'false',
        metadata: JSON.stringify({ v: String(next.version) }),
      });
    }
    this.uncertain = { port, state: next };
    const ok = await request;
    if (ok) {
      this.acked.set(port, next);
      this.uncertain = undefined;
      this.acknowledged++;
    }
    return ok;
  }

  /** Everything acknowledged is there (and nothing deleted came back), read after a restart. */
  async verify(http: RawHttp): Promise<string[]> {
    const problems: string[] = [];
    const service = await observeService(http, this.service);
    const ports = new Set([...this.acked.keys(), ...(this.uncertain ? [this.uncertain.port] : [])]);
    for (const port of ports) {
      const allowed = [this.acked.get(port) ?? ABSENT];
      if (this.uncertain?.port === port) allowed.push(this.uncertain.state);
      const found = findInstance(service, '127.0.0.1', port);
      const actual: InstanceState = found ? { present: true, version: Number(found.metadata['v']) } : ABSENT;
      if (!allowed.some((a) => a.present === actual.present && (!a.present || a.version === actual.version))) {
        problems.push(
          `${this.service} 127.0.0.1:${port}: expected one of ${JSON.stringify(allowed)}, found ${JSON.stringify(actual)}`,
        );
      }
      // Settled now: the next cycle starts from what is really there.
      this.acked.set(port, actual);
    }
    this.uncertain = undefined;
    for (const name of this.ackedServices) {
      if ((await observeService(http, name)) === null) problems.push(`service ${name} was acknowledged but is gone`);
    }
    return problems;
  }
}

const ABSENT: InstanceState = { present: false, version: 0 };

/** Ephemeral register/deregister traffic with nobody beating: load on the same paths as the clients. */
export async function ephemeralChurn(port: number, stopped: () => boolean, random: () => number): Promise<number> {
  const http = new RawHttp('127.0.0.1', port, 3_000);
  let done = 0;
  try {
    while (!stopped()) {
      const params = {
        serviceName: 'churn-ephemeral',
        ip: '127.0.0.9',
        port: String(30_000 + Math.floor(random() * 50)),
      };
      const ok = await send(http, random() < 0.6 ? 'POST' : 'DELETE', '/nacos/v1/ns/instance', params);
      if (!ok) break;
      done++;
    }
  } finally {
    http.close();
  }
  return done;
}

/** true when the server answered `ok`; false when the connection failed (the server is gone). */
async function send(http: RawHttp, method: string, path: string, params: Record<string, string>): Promise<boolean> {
  try {
    const res = await http.send({ method, path: `${path}?${formOf(Object.entries(params))}` });
    if (res.status !== 200 || res.body !== 'ok') throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
    return true;
  } catch (error) {
    if (error instanceof Error && /: \d{3} /.test(error.message)) throw error; // an answer, but a wrong one
    return false;
  }
}
