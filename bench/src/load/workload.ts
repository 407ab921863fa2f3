/**
 * The requests a benchmark sends, shaped byte for byte like the two clients in
 * docs/nacos-protocol.md (§0, §2.1, §3 and §6):
 * - `java`: Java client 1.4.8. Parameters in the query string; the full beat is a form body
 *   `beat=<json>` with Content-Type application/x-www-form-urlencoded.
 * - `node`: nacos-naming 2.6.3. Everything in the query string, empty body, no Content-Type, and
 *   the UA `Nacos-Java-Client:v1.0.0` it really sends.
 * Instances are synthetic and deterministic: instance i of a set always has the same service,
 * address and client shape, so registration and beats agree across processes.
 */
export type ClientShape = 'java' | 'node';

export interface InstanceSet {
  count: number;
  /** Instances per service; services are `DEFAULT_GROUP@@bench-svc-<n>`. */
  perService: number;
  /** Client shapes, assigned round-robin by instance index. */
  shapes: ClientShape[];
}

export interface BenchInstance {
  shape: ClientShape;
  /** Grouped service name. */
  serviceName: string;
  ip: string;
  port: number;
  cluster: string;
}

/**
 * `accessToken`: sent as the clients send it once logged in (Java 1.4.8 adds it to every request's
 * query parameters): every request then passes the auth guard with a token.
 */
export type WorkloadSpec = { kind: 'beat' | 'register' | 'list'; set: InstanceSet; accessToken?: string };

export const JAVA_UA = 'Nacos-Java-Client:v1.4.8';
export const NODE_UA = 'Nacos-Java-Client:v1.0.0';
/** Spring Cloud Alibaba's registration metadata: what most Java instances carry. */
const JAVA_METADATA = { 'preserved.register.source': 'SPRING_CLOUD' };
const NODE_METADATA = {};

export function instanceAt(set: InstanceSet, index: number): BenchInstance {
  const i = index % set.count;
  return {
    shape: set.shapes[i % set.shapes.length]!,
    serviceName: serviceNameAt(set, i),
    ip: `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`,
    port: 8080,
    cluster: 'DEFAULT',
  };
}

export function serviceNameAt(set: InstanceSet, index: number): string {
  return `DEFAULT_GROUP@@bench-svc-${Math.floor(index / set.perService)}`;
}

export function serviceCount(set: InstanceSet): number {
  return Math.ceil(set.count / set.perService);
}

/** Builds request i of a workload once and keeps the bytes; the generator only writes them. */
export class Workload {
  private readonly cache: (Buffer | undefined)[] = [];
  readonly size: number;

  constructor(
    private readonly spec: WorkloadSpec,
    private readonly host: string,
  ) {
    this.size = spec.kind === 'list' ? serviceCount(spec.set) : spec.set.count;
  }

  request(index: number): Buffer {
    const i = index % this.size;
    let bytes = this.cache[i];
    if (bytes === undefined) {
      bytes = this.build(i);
      this.cache[i] = bytes;
    }
    return bytes;
  }

  private build(i: number): Buffer {
    const { set, accessToken } = this.spec;
    switch (this.spec.kind) {
      case 'beat':
        return beatRequest(instanceAt(set, i), this.host, i, accessToken);
      case 'register':
        return registerRequest(instanceAt(set, i), this.host, i, accessToken);
      case 'list':
        return listRequest(
          serviceNameAt(set, i * set.perService),
          set.shapes[i % set.shapes.length]!,
          this.host,
          i,
          accessToken,
        );
    }
  }
}

export function beatRequest(inst: BenchInstance, host: string, seq: number, accessToken?: string): Buffer {
  if (inst.shape === 'java') {
    // Jackson writes BeatInfo's properties in this order.
    const beat = JSON.stringify({
      port: inst.port,
      ip: inst.ip,
      weight: 1.0,
      serviceName: inst.serviceName,
      cluster: inst.cluster,
      metadata: JAVA_METADATA,
      scheduled: false,
      period: 5000,
      stopped: false,
    });
    const query = form(
      withToken(
        {
          app: 'unknown',
          namespaceId: 'public',
          serviceName: inst.serviceName,
          clusterName: inst.cluster,
          ip: inst.ip,
          port: String(inst.port),
        },
        accessToken,
      ),
    );
    return javaRequest('PUT', `/nacos/v1/ns/instance/beat?${query}`, host, seq, form({ beat }));
  }
  const beat = JSON.stringify({
    serviceName: inst.serviceName,
    ip: inst.ip,
    port: inst.port,
    cluster: inst.cluster,
    weight: 1,
    metadata: NODE_METADATA,
    scheduled: true,
  });
  const query = form(withToken({ beat, namespaceId: 'public', serviceName: inst.serviceName }, accessToken));
  return nodeRequest('PUT', `/nacos/v1/ns/instance/beat?${query}`, host, seq);
}

export function registerRequest(inst: BenchInstance, host: string, seq: number, accessToken?: string): Buffer {
  const params: Record<string, string> = {
    namespaceId: 'public',
    serviceName: inst.serviceName,
    groupName: 'DEFAULT_GROUP',
    clusterName: inst.cluster,
    ip: inst.ip,
    port: String(inst.port),
    weight: inst.shape === 'java' ? '1.0' : '1',
    enable: 'true',
    healthy: 'true',
    ephemeral: 'true',
    metadata: JSON.stringify(inst.shape === 'java' ? JAVA_METADATA : NODE_METADATA),
  };
  if (accessToken !== undefined) params['accessToken'] = accessToken;
  if (inst.shape === 'java') {
    params['app'] = 'unknown';
    return javaRequest('POST', `/nacos/v1/ns/instance?${form(params)}`, host, seq, '');
  }
  return nodeRequest('POST', `/nacos/v1/ns/instance?${form(params)}`, host, seq);
}

/** A client's poll of one service; udpPort 0 so that no push target is created. */
export function listRequest(
  serviceName: string,
  shape: ClientShape,
  host: string,
  seq: number,
  accessToken?: string,
): Buffer {
  const query = form(
    withToken(
      {
        namespaceId: 'public',
        serviceName,
        clusters: shape === 'java' ? '' : 'DEFAULT',
        udpPort: '0',
        clientIP: '127.0.0.1',
        healthyOnly: 'false',
      },
      accessToken,
    ),
  );
  const path = `/nacos/v1/ns/instance/list?${query}`;
  return shape === 'java' ? javaRequest('GET', path, host, seq) : nodeRequest('GET', path, host, seq);
}

function withToken(params: Record<string, string>, accessToken: string | undefined): Record<string, string> {
  return accessToken === undefined ? params : { ...params, accessToken };
}

function form(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

/** A stable per-request id in UUID form (the clients send a random one; the server ignores it). */
function requestId(seq: number): string {
  const hex = seq.toString(16).padStart(12, '0');
  return `6ba7b810-9dad-11d1-80b4-${hex.slice(-12)}`;
}

function javaRequest(method: string, path: string, host: string, seq: number, body?: string): Buffer {
  const lines = [
    `${method} ${path} HTTP/1.1`,
    'Client-Version: 1.4.8',
    `User-Agent: ${JAVA_UA}`,
    'Accept-Encoding: gzip,deflate,sdch',
    'Connection: Keep-Alive',
    `RequestId: ${requestId(seq)}`,
    'Request-Module: Naming',
    `Host: ${host}`,
    'Accept: text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2',
  ];
  if (body !== undefined) {
    lines.push('Content-Type: application/x-www-form-urlencoded;charset=UTF-8');
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  }
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n' + (body ?? ''));
}

function nodeRequest(method: string, path: string, host: string, seq: number): Buffer {
  const lines = [
    `${method} ${path} HTTP/1.1`,
    `User-Agent: ${NODE_UA}`,
    `Client-Version: ${NODE_UA}`,
    'Accept-Encoding: gzip,deflate,sdch',
    'Request-Module: Naming',
    'Connection: Keep-Alive',
    `RequestId: ${requestId(seq)}`,
    `Host: ${host}`,
  ];
  if (method !== 'GET') lines.push('Content-Length: 0');
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n');
}
