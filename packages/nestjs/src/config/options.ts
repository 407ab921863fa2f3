import { isIP } from 'node:net';
import { checkInstanceInput, DEFAULT_GROUP, OptionsError, type Metadata, type NamingClientOptions } from '@beacon/sdk';
import { BeaconConfigError } from './config-error.js';
import { checkPreferredNetworks, detectLocalIp } from './local-ip.js';

/** Where the registry is and who we are to it. */
export interface BeaconConnectionOptions {
  /** One or more Beacon (or Nacos) servers: `host:port` or `http(s)://host:port`; requests fail over between them. */
  serverAddresses: string | readonly string[];
  /** For servers with auth on. */
  username?: string;
  password?: string;
  /** Namespace id; `public` by default. */
  namespace?: string;
  /** Any other option of the SDK's NamingClient (timeouts, snapshotDir, watch, ...). */
  client?: Omit<NamingClientOptions, 'serverAddresses' | 'namespace' | 'username' | 'password'>;
}

/** The instance this application registers. */
export interface BeaconInstanceOptions {
  /** The name peers discover this application by. */
  serviceName: string;
  /** `DEFAULT_GROUP` by default; also the group DiscoveryClient looks services up in. */
  groupName?: string;
  /** The address peers call; detected from the network interfaces when omitted. */
  ip?: string;
  /** Used when `ip` is omitted: CIDR blocks (`10.0.0.0/8`) or prefixes (`192.168.`) to pick the address from, in order. */
  preferredNetworks?: readonly string[];
  /** Registered instead of the port the HTTP server listens on (e.g. behind port mapping). */
  port?: number;
  /** 0 to 10000, 1 by default. */
  weight?: number;
  clusterName?: string;
  /**
   * Labels. `preserved.heart.beat.interval`, `preserved.heart.beat.timeout` and
   * `preserved.ip.delete.timeout` (ms, digits only) set the beat timings of this instance.
   */
  metadata?: Metadata;
}

export interface BeaconModuleOptions extends BeaconConnectionOptions, Partial<BeaconInstanceOptions> {
  /** Register this application (default true). false: discovery only; `serviceName` is then not needed. */
  register?: boolean;
}

/** The instance to register once the port is known. */
export interface InstanceSpec {
  readonly serviceName: string;
  readonly groupName: string;
  readonly ip: string;
  /** Fixed by the options, else taken from the server once it listens. */
  readonly port: number | undefined;
  readonly weight: number;
  readonly clusterName: string;
  readonly metadata: Metadata;
}

export interface ResolvedBeaconOptions {
  readonly client: NamingClientOptions;
  readonly groupName: string;
  /** Undefined when the application does not register. */
  readonly instance: InstanceSpec | undefined;
}

const CONNECTION_KEYS = ['serverAddresses', 'username', 'password', 'namespace', 'client'] as const;
const INSTANCE_KEYS = [
  'serviceName',
  'groupName',
  'ip',
  'preferredNetworks',
  'port',
  'weight',
  'clusterName',
  'metadata',
] as const;
const MODULE_KEYS: readonly string[] = [...CONNECTION_KEYS, ...INSTANCE_KEYS, 'register'];

/**
 * Checks every option while the application starts and names the one that is wrong, so a typo
 * fails `NestFactory.create` (or `registerOnListen`) instead of a registration minutes later.
 * `label` prefixes the messages: `BeaconModule`, `registerOnListen`.
 */
export function resolveBeaconOptions(options: BeaconModuleOptions, label = 'BeaconModule'): ResolvedBeaconOptions {
  try {
    return resolve(options);
  } catch (error) {
    if (error instanceof OptionsError) throw new BeaconConfigError(`${label}: ${error.message}`, { cause: error });
    throw error;
  }
}

function resolve(options: BeaconModuleOptions): ResolvedBeaconOptions {
  if (options === null || typeof options !== 'object') {
    throw new BeaconConfigError(
      "options must be an object, e.g. { serverAddresses: '127.0.0.1:8848', serviceName: 'orders' }",
    );
  }
  for (const key of Object.keys(options)) {
    if (!MODULE_KEYS.includes(key)) {
      const lower = key.toLowerCase();
      const hint =
        MODULE_KEYS.find((k) => k.toLowerCase() === lower) ??
        MODULE_KEYS.find((k) => k.toLowerCase().startsWith(lower.slice(0, 4)));
      throw new BeaconConfigError(`unknown option '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
  }
  const client = clientOptions(options);
  const groupName = optionalText(options.groupName, 'groupName') ?? DEFAULT_GROUP;
  const register = options.register ?? true;
  if (typeof register !== 'boolean')
    throw new BeaconConfigError(`register must be true or false, got ${JSON.stringify(register)}`);
  return { client, groupName, instance: register ? instanceSpec(options, groupName) : undefined };
}

function clientOptions(options: BeaconModuleOptions): NamingClientOptions {
  const extra = options.client ?? {};
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) {
    throw new BeaconConfigError('client must be an object of NamingClient options');
  }
  for (const key of Object.keys(extra)) {
    if ((CONNECTION_KEYS as readonly string[]).includes(key)) {
      throw new BeaconConfigError(`client.${key} is not allowed: set '${key}' at the top level`);
    }
  }
  const client: NamingClientOptions = { ...extra, serverAddresses: options.serverAddresses };
  if (options.namespace !== undefined) client.namespace = options.namespace;
  if (options.username !== undefined) client.username = options.username;
  if (options.password !== undefined) client.password = options.password;
  return client;
}

function instanceSpec(options: BeaconModuleOptions, groupName: string): InstanceSpec {
  const serviceName = optionalText(options.serviceName, 'serviceName');
  if (serviceName === undefined) {
    throw new BeaconConfigError('serviceName is required to register this application (or set register: false)');
  }
  if (serviceName.includes('@@')) {
    throw new BeaconConfigError(`serviceName '${serviceName}' must not contain '@@': set groupName for the group`);
  }
  const preferred = checkPreferredNetworks(options.preferredNetworks);
  const ip = optionalText(options.ip, 'ip') ?? detectLocalIp(preferred);
  if (isIP(ip) === 0) throw new BeaconConfigError(`ip must be an IPv4 or IPv6 address, got '${ip}'`);
  const port = options.port;
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new BeaconConfigError(`port must be a whole number from 1 to 65535, got ${JSON.stringify(port)}`);
  }
  // The SDK's own rules (weight, cluster, metadata and beat timings), checked now rather than at registration.
  const checked = checkInstanceInput({
    ip,
    port: port ?? 0,
    ...(options.weight !== undefined && { weight: options.weight }),
    ...(options.clusterName !== undefined && { clusterName: options.clusterName }),
    ...(options.metadata !== undefined && { metadata: options.metadata }),
  });
  return {
    serviceName,
    groupName,
    ip: checked.ip,
    port,
    weight: checked.weight,
    clusterName: checked.clusterName,
    metadata: checked.metadata,
  };
}

function optionalText(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new BeaconConfigError(`${option} must be a string, got ${JSON.stringify(value)}`);
  return value.trim() === '' ? undefined : value.trim();
}
