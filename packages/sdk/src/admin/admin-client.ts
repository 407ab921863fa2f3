import type { components } from './api-types.js';

type Schemas = components['schemas'];
export type StatusDto = Schemas['StatusDto'];
export type NamespaceDto = Schemas['NamespaceDto'];
export type OverviewDto = Schemas['OverviewDto'];
export type NamespaceHealthDto = Schemas['NamespaceHealthDto'];
export type ServicePageDto = Schemas['ServicePageDto'];
export type ServiceSummaryDto = Schemas['ServiceSummaryDto'];
export type ServiceDetailDto = Schemas['ServiceDetailDto'];
export type ServiceCreateDto = Schemas['ServiceCreateDto'];
export type ServiceUpdateDto = Schemas['ServiceUpdateDto'];
export type ClusterDto = Schemas['ClusterDto'];
export type InstanceDto = Schemas['InstanceDto'];
export type InstancePatchDto = Schemas['InstancePatchDto'];
export type InstancesBulkPatchDto = Schemas['InstancesBulkPatchDto'];
export type InstancesBulkPatchResultDto = Schemas['InstancesBulkPatchResultDto'];
export type GroupDto = Schemas['GroupDto'];
export type MeDto = Schemas['MeDto'];
export type UserDto = Schemas['UserDto'];
export type RoleBindingDto = Schemas['RoleBindingDto'];
export type PermissionDto = Schemas['PermissionDto'];
export type NamespaceAccessDto = Schemas['NamespaceAccessDto'];
export type AuthModeDto = Schemas['AuthModeDto'];
export type NamespaceCreateDto = Schemas['NamespaceCreateDto'];
export type NamespaceUpdateDto = Schemas['NamespaceUpdateDto'];
export type ServiceListSummaryDto = Schemas['ServiceListSummaryDto'];
export type ClusterUpdateDto = Schemas['ClusterUpdateDto'];
export type SubscriberDto = Schemas['SubscriberDto'];
export type HealthHistoryDto = Schemas['HealthHistoryDto'];
export type HealthPointDto = Schemas['HealthPointDto'];
export type CheckResultDto = Schemas['CheckResultDto'];
export type AuditEntryDto = Schemas['AuditEntryDto'];
export type AuditPageDto = Schemas['AuditPageDto'];

/** The answer of a successful login (Nacos's `/nacos/v1/auth/login`). */
export interface LoginResult {
  accessToken: string;
  /** Seconds the token stays valid. */
  tokenTtl: number;
  globalAdmin: boolean;
  username: string;
}

export interface AdminClientOptions {
  /** Server origin, e.g. `http://localhost:8848`; empty for the page's own origin (the console). */
  baseUrl?: string;
  /**
   * Returns the current access token, if any; sent as `Authorization: Bearer`. Without it, the
   * client sends the token of its last successful `login()` (the usual way in Node).
   */
  token?: () => string | undefined;
  fetch?: typeof fetch;
}

/** An error answer of the native API, with the server's own message. */
export class BeaconApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'BeaconApiError';
  }
}

export interface ServiceListQuery {
  search?: string;
  group?: string;
  /** Keep only services in this state. */
  health?: 'all' | 'unhealthy' | 'protection' | 'healthy' | 'empty';
  /** Leave out services without instances. */
  hideEmpty?: boolean;
  /** `health`: protection reached first, then most unhealthy; `name` (default). */
  sort?: 'name' | 'health';
  page?: number;
  pageSize?: number;
}

/** Filters of the audit trail (admins); every one left out keeps everything. */
export interface AuditQuery {
  /** A target (`public/DEFAULT_GROUP@@orders`, `user:alice`): its entries and those of everything below it. */
  target?: string;
  targetType?: AuditEntryDto['targetType'];
  /** Exact user name. */
  actor?: string;
  /** Exact action, e.g. `editInstance`. */
  action?: string;
  /** ISO 8601 or ms since the epoch, inclusive. */
  from?: string | number;
  /** ISO 8601 or ms since the epoch, exclusive. */
  to?: string | number;
  /** The previous page's `nextCursor`. */
  cursor?: string;
  pageSize?: number;
}

/** Typed client of the native `/api/v1` API. Browser-safe: fetch only, no Node modules. */
export class AdminClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private loggedIn: string | undefined;

  constructor(private readonly options: AdminClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  getStatus(): Promise<StatusDto> {
    return this.request('GET', '/api/v1/status');
  }

  listNamespaces(): Promise<NamespaceDto[]> {
    return this.request('GET', '/api/v1/namespaces');
  }

  /** Every namespace the caller may read with its health counts, and the worst services across them. */
  getOverview(): Promise<OverviewDto> {
    return this.request('GET', '/api/v1/overview');
  }

  listServices(namespaceId: string, query: ServiceListQuery = {}): Promise<ServicePageDto> {
    return this.request('GET', `${servicesPath(namespaceId)}${queryString(query)}`);
  }

  /** Operator writes, newest first, with who, from where, when, what, before and after (admins). */
  listAudit(query: AuditQuery = {}): Promise<AuditPageDto> {
    return this.request('GET', `/api/v1/audit${queryString(query)}`);
  }

  createNamespace(body: NamespaceCreateDto): Promise<NamespaceDto> {
    return this.request('POST', '/api/v1/namespaces', body);
  }

  updateNamespace(namespaceId: string, body: NamespaceUpdateDto): Promise<NamespaceDto> {
    return this.request('PUT', `/api/v1/namespaces/${enc(namespaceId)}`, body);
  }

  deleteNamespace(namespaceId: string): Promise<void> {
    return this.request('DELETE', `/api/v1/namespaces/${enc(namespaceId)}`);
  }

  listGroups(namespaceId: string): Promise<GroupDto[]> {
    return this.request('GET', `/api/v1/namespaces/${enc(namespaceId || 'public')}/groups`);
  }

  getService(namespaceId: string, groupName: string, serviceName: string): Promise<ServiceDetailDto> {
    return this.request('GET', servicePath(namespaceId, groupName, serviceName));
  }

  createService(namespaceId: string, body: ServiceCreateDto): Promise<ServiceDetailDto> {
    return this.request('POST', servicesPath(namespaceId), body);
  }

  updateService(
    namespaceId: string,
    groupName: string,
    serviceName: string,
    body: ServiceUpdateDto,
  ): Promise<ServiceDetailDto> {
    return this.request('PUT', servicePath(namespaceId, groupName, serviceName), body);
  }

  deleteService(namespaceId: string, groupName: string, serviceName: string): Promise<void> {
    return this.request('DELETE', servicePath(namespaceId, groupName, serviceName));
  }

  updateCluster(
    namespaceId: string,
    groupName: string,
    serviceName: string,
    clusterName: string,
    body: ClusterUpdateDto,
  ): Promise<ClusterDto> {
    return this.request(
      'PUT',
      `${servicePath(namespaceId, groupName, serviceName)}/clusters/${enc(clusterName)}`,
      body,
    );
  }

  /** Nacos clients receiving UDP pushes for the service, and the watch streams that see it. */
  listSubscribers(namespaceId: string, groupName: string, serviceName: string): Promise<SubscriberDto[]> {
    return this.request('GET', `${servicePath(namespaceId, groupName, serviceName)}/subscribers`);
  }

  /** The service's healthy/unhealthy counts over the last `windowMs` (at most an hour), ending now. */
  getHealthHistory(
    namespaceId: string,
    groupName: string,
    serviceName: string,
    windowMs?: number,
  ): Promise<HealthHistoryDto> {
    const qs = windowMs === undefined ? '' : `?windowMs=${windowMs}`;
    return this.request('GET', `${servicePath(namespaceId, groupName, serviceName)}/health-history${qs}`);
  }

  patchInstance(
    target: {
      namespaceId: string;
      groupName: string;
      serviceName: string;
      clusterName: string;
      ip: string;
      port: number;
    },
    patch: InstancePatchDto,
  ): Promise<InstanceDto> {
    const path = `${servicePath(target.namespaceId, target.groupName, target.serviceName)}/instances/${enc(target.clusterName)}/${enc(target.ip)}/${target.port}`;
    return this.request('PATCH', path, patch);
  }

  /** One edit of many instances of a service, each applied as patchInstance would; one result per instance. */
  patchInstances(
    target: { namespaceId: string; groupName: string; serviceName: string },
    body: InstancesBulkPatchDto,
  ): Promise<InstancesBulkPatchResultDto> {
    return this.request(
      'PATCH',
      `${servicePath(target.namespaceId, target.groupName, target.serviceName)}/instances`,
      body,
    );
  }

  /** Whether the server wants credentials; needs none itself, so a client can ask before signing in. */
  getAuthMode(): Promise<AuthModeDto> {
    return this.request('GET', '/api/v1/auth/mode');
  }

  /**
   * Who the token belongs to, what they may do (per namespace), and whether auth is on at all;
   * `namespaceId` adds that namespace to the answer even when nothing is registered in it.
   */
  getMe(namespaceId?: string): Promise<MeDto> {
    return this.request('GET', `/api/v1/auth/me${namespaceId ? `?namespaceId=${enc(namespaceId)}` : ''}`);
  }

  listUsers(): Promise<UserDto[]> {
    return this.request('GET', '/api/v1/auth/users');
  }

  createUser(username: string, password: string): Promise<UserDto> {
    return this.request('POST', '/api/v1/auth/users', { username, password });
  }

  changePassword(username: string, password: string): Promise<void> {
    return this.request('PUT', `/api/v1/auth/users/${enc(username)}/password`, { password });
  }

  deleteUser(username: string): Promise<void> {
    return this.request('DELETE', `/api/v1/auth/users/${enc(username)}`);
  }

  bindRole(role: string, username: string): Promise<RoleBindingDto> {
    return this.request('POST', '/api/v1/auth/roles', { role, username });
  }

  unbindRole(role: string, username: string): Promise<void> {
    return this.request('DELETE', `/api/v1/auth/roles/${enc(role)}?username=${enc(username)}`);
  }

  listPermissions(): Promise<PermissionDto[]> {
    return this.request('GET', '/api/v1/auth/permissions');
  }

  grantPermission(permission: PermissionDto): Promise<PermissionDto> {
    return this.request('POST', '/api/v1/auth/permissions', permission);
  }

  revokePermission(permission: PermissionDto): Promise<void> {
    const qs = new URLSearchParams({ role: permission.role, resource: permission.resource, action: permission.action });
    return this.request('DELETE', `/api/v1/auth/permissions?${qs.toString()}`);
  }

  /**
   * Exchanges a user's password for an access token (bad credentials: 403 `unknown user!`). Unless
   * the client was given a `token` function, later requests carry this token.
   */
  async login(username: string, password: string): Promise<LoginResult> {
    const result = await this.request<LoginResult>(
      'POST',
      '/nacos/v1/auth/login',
      new URLSearchParams({ username, password }),
    );
    this.loggedIn = result.accessToken;
    return result;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = this.options.token ? this.options.token() : this.loggedIn;
    if (token) headers['Authorization'] = `Bearer ${token}`;
    const form = body instanceof URLSearchParams;
    if (body !== undefined) headers['Content-Type'] = form ? 'application/x-www-form-urlencoded' : 'application/json';
    const response = await this.fetchImpl(this.baseUrl + path, {
      method,
      headers,
      ...(body !== undefined ? { body: form ? body.toString() : JSON.stringify(body) } : {}),
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    if (!response.ok) {
      let message = text || response.statusText;
      try {
        const parsed = JSON.parse(text) as { message?: unknown };
        if (typeof parsed.message === 'string') message = parsed.message;
      } catch {
        // plain-text error body
      }
      throw new BeaconApiError(response.status, message);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

const enc = encodeURIComponent;

function servicesPath(namespaceId: string): string {
  return `/api/v1/namespaces/${enc(namespaceId || 'public')}/services`;
}

function servicePath(namespaceId: string, groupName: string, serviceName: string): string {
  return `${servicesPath(namespaceId)}/${enc(groupName)}/${enc(serviceName)}`;
}

/** `?a=1&b=2` of the values given (empty ones left out), or nothing. */
function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}
