import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BeaconConfig } from '../config/config.js';
import { sendAnswer } from '../http/http-answer.js';
import { paramsOf, type RequestView } from '../http/request-context.js';
import { CONFIG } from '../config/tokens.js';
import { AccessDirectory } from './access-directory.js';
import { Authenticator, type AuthResult, type Identity } from './authenticator.js';
import { AUTH_OFF_IDENTITY, setIdentity } from './current-identity.js';
import { denialAnswer, type Denial } from './denial.js';
import { formatResource } from './resource.js';
import { isClassified, policyOf, type Access, type Face, type RoutePolicy } from './route-policy.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const BASIC = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i;

/** `Authorization: Basic base64(user:password)`, or undefined when it is not that. */
function basicCredentials(header: string): { username: string; password: string } | undefined {
  const match = BASIC.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** What the guard decided: let the request through (as `identity`, none on public routes), or refuse it. */
export type Verdict =
  | { readonly pass: true; readonly identity: Identity | undefined }
  | { readonly pass: false; readonly face: Face; readonly denial: Denial };

const PASS_PUBLIC: Verdict = Object.freeze({ pass: true, identity: undefined });
const PASS_AUTH_OFF: Verdict = Object.freeze({ pass: true, identity: AUTH_OFF_IDENTITY });

/**
 * The one place that decides who may do what. A Fastify preHandler hook: it runs after routing (so
 * it judges the route that will actually run) and after body parsing (so credentials and names in
 * form bodies count), and before any handler. No header, User-Agent or path spelling is trusted.
 */
@Injectable()
export class AuthGuard implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');
  private readonly unclassified: string[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: BeaconConfig,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
  ) {}

  /** Must run before the routes are registered (before `app.init()`), to see every one of them. */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method !== 'HEAD' && !isClassified(route.url, method)) this.unclassified.push(`${method} ${route.url}`);
      }
    });
    // Callback style, not async: every request passes here, and a token check is synchronous, so
    // only a password check (async hashing) should cost a promise.
    fastify.addHook('preHandler', (request, reply, done) => {
      const verdict = this.check(request, request.routeOptions.url);
      const apply = (v: Verdict): void => {
        if (!v.pass) return sendAnswer(reply, denialAnswer(v.face, v.denial, request.url));
        if (v.identity) setIdentity(request, v.identity);
        done();
      };
      if (verdict instanceof Promise) verdict.then(apply).catch(done);
      else apply(verdict);
    });
  }

  /**
   * The check of one request against the policy of the route it goes to (`routeUrl`, the pattern
   * as routed): the Fastify hook above runs it for every route, and the beat's fast path
   * (nacos/beat-fast-path.ts) for the beats it answers before Fastify.
   */
  check(request: RequestView, routeUrl: string | undefined): Verdict | Promise<Verdict> {
    const policy = policyOf(routeUrl, request.method);
    if (!policy || policy.access.kind === 'public') return PASS_PUBLIC;
    if (!this.config.authEnabled) return PASS_AUTH_OFF;
    const result = this.authenticate(request, policy.face);
    return result instanceof Promise
      ? result.then((r) => this.verdict(r, policy, request))
      : this.verdict(result, policy, request);
  }

  private verdict(result: AuthResult, policy: RoutePolicy, request: RequestView): Verdict {
    if (!result.ok) return { pass: false, face: policy.face, denial: result.failure };
    const refusal = this.refusal(result.identity, policy.access, request);
    if (refusal) return { pass: false, face: policy.face, denial: refusal };
    return { pass: true, identity: result.identity };
  }

  /**
   * For a response that outlives its request (the watch stream): a check that the request's own
   * credentials still pass its route's policy, run again whenever users, roles or permissions
   * change. A deleted user, a changed password, an expired token or a revoked permission fail it.
   * Undefined when nothing can change (auth off, a public route).
   */
  accessRecheck(request: FastifyRequest): (() => boolean) | undefined {
    if (!this.config.authEnabled) return undefined;
    const policy = policyOf(request.routeOptions.url, request.method);
    if (!policy || policy.access.kind === 'public') return undefined;
    return () => {
      const result = this.authenticate(request, policy.face);
      // A password check is async and rate limited: not repeated (the native API takes only tokens).
      if (result instanceof Promise) return true;
      return result.ok && this.refusal(result.identity, policy.access, request) === undefined;
    };
  }

  /** Called after every change of users, roles or permissions. */
  onAccessChange(listener: () => void): void {
    this.directory.onChange(listener);
  }

  /** `METHOD pattern` of registered /nacos and /api routes without a policy (admins only). */
  unclassifiedRoutes(): readonly string[] {
    return this.unclassified;
  }

  onApplicationBootstrap(): void {
    for (const route of this.unclassified) {
      this.logger.warn(`${route} has no entry in auth/route-policy.ts: only admins may call it`);
    }
  }

  /** Nacos's order: the Bearer header, then Basic, `accessToken`, `username` + `password` (those three Nacos face only). */
  private authenticate(request: RequestView, face: Face): AuthResult | Promise<AuthResult> {
    const header = request.headers.authorization;
    const bearer = typeof header === 'string' ? BEARER.exec(header) : null;
    if (bearer) return this.authenticator.byToken(bearer[1]!);
    // Basic, as Nacos's Prometheus endpoints take it (Prometheus's `basic_auth`): Nacos face only.
    const basic = face === 'nacos' && typeof header === 'string' ? basicCredentials(header) : undefined;
    if (basic) return this.authenticator.byPassword(basic.username, basic.password, request.ip);
    if (face === 'api') {
      // The native API reads a token from the query only (EventSource cannot send headers).
      const token = (request.query as Record<string, unknown> | undefined)?.['accessToken'];
      if (typeof token === 'string' && token !== '') return this.authenticator.byToken(token);
      return { ok: false, failure: { kind: 'no-credentials' } };
    }
    const p = paramsOf(request);
    const token = p.get('accessToken');
    if (token !== undefined) return this.authenticator.byToken(token);
    const username = p.get('username');
    const password = p.get('password');
    if (username !== undefined && password !== undefined) {
      return this.authenticator.byPassword(username, password, request.ip);
    }
    return { ok: false, failure: { kind: 'no-credentials' } };
  }

  private refusal(identity: Identity, access: Access, request: RequestView): Denial | undefined {
    if (identity.admin) return undefined;
    switch (access.kind) {
      case 'public':
      case 'authenticated':
        return undefined;
      case 'admin':
        return { kind: 'forbidden', detail: `only an admin may do this; ${identity.username} is not one` };
      case 'admin-when':
        return access.when(request)
          ? { kind: 'forbidden', detail: `only an admin may do this; ${identity.username} is not one` }
          : undefined;
      case 'self':
        return access.username(request) === identity.username
          ? undefined
          : { kind: 'forbidden', detail: `${identity.username} may change only their own password` };
      case 'resource':
        for (const resource of access.resources(request)) {
          if (!this.directory.allows(identity.username, resource, access.action)) {
            const verb = access.action === 'r' ? 'read' : 'write';
            return { kind: 'forbidden', detail: `${identity.username} may not ${verb} ${formatResource(resource)}` };
          }
        }
        return undefined;
    }
  }
}
