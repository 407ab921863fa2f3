export type ClientType = 'JAVA' | 'GO' | 'C' | 'CSHARP' | 'DNS' | 'JAVA_SDK' | 'NACOS_SERVER' | 'TENGINE' | 'UNKNOWN';

export interface ClientInfo {
  readonly type: ClientType;
  /** [major, minor, patch]; zeros when unknown. */
  readonly version: readonly [number, number, number];
  readonly agent: string;
}

const PREFIXES: readonly [string, ClientType][] = [
  ['Nacos-Java-Client:v', 'JAVA'],
  ['Nacos-Go-Client:v', 'GO'],
  ['Nacos-C-Client:v', 'C'],
  ['vip-client4cpp:v', 'C'],
  ['Nacos-CSharp-Client:v', 'CSHARP'],
  ['Nacos-DNS:v', 'DNS'],
  ['Nacos-SDK-Java:v', 'JAVA_SDK'],
  ['Nacos-Server:v', 'NACOS_SERVER'],
  ['unit-nginx:v', 'TENGINE'],
];

const UNKNOWN: ClientInfo = Object.freeze({ type: 'UNKNOWN', version: [0, 0, 0] as const, agent: '' });

/** Nacos's ClientInfo: the User-Agent, falling back to the Client-Version header. */
export function parseClientInfo(userAgent: string | undefined, clientVersion: string | undefined): ClientInfo {
  const agent = userAgent || clientVersion || '';
  if (agent === '') return UNKNOWN;
  for (const [prefix, type] of PREFIXES) {
    if (agent.startsWith(prefix)) return { type, version: parseVersion(agent.slice(prefix.length)), agent };
  }
  return { type: 'UNKNOWN', version: [0, 0, 0], agent };
}

function parseVersion(text: string): [number, number, number] {
  const parts = text.split(/[.-]/).map((p) => Number.parseInt(p, 10));
  return [parts[0] || 0, parts[1] || 0, parts[2] || 0];
}

export function atLeast(client: ClientInfo, major: number, minor: number, patch: number): boolean {
  const [a, b, c] = client.version;
  if (a !== major) return a > major;
  if (b !== minor) return b > minor;
  return c >= patch;
}

/** Java clients from 1.0.0 get grouped `dom`/`serviceName` and strict PUT /instance updates. */
export function isModernJava(client: ClientInfo): boolean {
  return client.type === 'JAVA' && atLeast(client, 1, 0, 0);
}
