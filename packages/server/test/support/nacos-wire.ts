/**
 * Requests shaped exactly as each Nacos 1.x client sends them (docs/nacos-protocol.md §0, §3 and §6), so a
 * test states which client it impersonates and nothing else.
 */
import { randomUUID } from 'node:crypto';

export type ParamValue = string | number | boolean | undefined;
export type Params = Record<string, ParamValue>;
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface WireResponse {
  readonly status: number;
  readonly text: string;
  readonly contentType: string;
  /** The body parsed as JSON; throws with the body in the message when it is not JSON. */
  json<T = Record<string, unknown>>(): T;
}

/**
 * - `java14`: query string; `Content-Type: application/x-www-form-urlencoded`; the beat's `beat`
 *   field alone in the form body; `app` injected.
 * - `java13`: query string; the beat as a raw body `beat=<urlencoded json>`, charset in the type.
 * - `go`: a form body for every method but GET.
 * - `node` (`nacos-naming`): everything in the query string, no body, no Content-Type; UA Java 1.0.0.
 * - `plain`: query string and no Nacos UA (curl, scripts, the browser console): an UNKNOWN client.
 */
export type ClientStyle = 'java14' | 'java13' | 'go' | 'node' | 'plain';

export const USER_AGENTS = {
  java14: 'Nacos-Java-Client:v1.4.8',
  java13: 'Nacos-Java-Client:v1.3.0',
  go: 'Nacos-Go-Client:v1.1.4',
  node: 'Nacos-Java-Client:v1.0.0',
} as const;

export const NS = '/nacos/v1/ns';

export class NacosWire {
  constructor(
    readonly baseUrl: string,
    readonly style: ClientStyle,
    /** Overrides the style's User-Agent (e.g. an old Java client). */
    private readonly userAgent?: string,
  ) {}

  get(path: string, params: Params = {}): Promise<WireResponse> {
    return this.request('GET', path, params);
  }
  post(path: string, params: Params = {}): Promise<WireResponse> {
    return this.request('POST', path, params);
  }
  put(path: string, params: Params = {}): Promise<WireResponse> {
    return this.request('PUT', path, params);
  }
  patch(path: string, params: Params = {}): Promise<WireResponse> {
    return this.request('PATCH', path, params);
  }
  delete(path: string, params: Params = {}): Promise<WireResponse> {
    return this.request('DELETE', path, params);
  }

  /** PUT /instance/beat with the client's `beat` JSON, placed where that client puts it. */
  beat(params: Params, beat: object | undefined): Promise<WireResponse> {
    const json = beat === undefined ? undefined : JSON.stringify(beat);
    switch (this.style) {
      case 'java14':
        return this.send(
          'PUT',
          NS + '/instance/beat',
          withApp(params),
          json === undefined ? undefined : { beat: json },
        );
      case 'java13':
        return this.sendRaw(
          'PUT',
          NS + '/instance/beat',
          withApp(params),
          json === undefined ? undefined : `beat=${encodeURIComponent(json)}`,
          'application/x-www-form-urlencoded;charset=UTF-8',
        );
      default:
        return this.request('PUT', NS + '/instance/beat', { ...params, beat: json });
    }
  }

  request(method: Method, path: string, params: Params = {}): Promise<WireResponse> {
    switch (this.style) {
      case 'java14':
      case 'java13':
        return this.send(method, path, withApp(params), undefined);
      case 'go':
        return method === 'GET' ? this.send(method, path, params, undefined) : this.send(method, path, {}, params);
      case 'node':
      case 'plain':
        return this.send(method, path, params, undefined);
    }
  }

  private send(method: Method, path: string, query: Params, form: Params | undefined): Promise<WireResponse> {
    const body = form === undefined ? undefined : encode(form);
    const type = this.style === 'java14' || this.style === 'java13' || this.style === 'go' ? FORM : undefined;
    return this.sendRaw(method, path, query, body, type);
  }

  private async sendRaw(
    method: Method,
    path: string,
    query: Params,
    body: string | undefined,
    contentType: string | undefined,
  ): Promise<WireResponse> {
    const qs = encode(query);
    const headers: Record<string, string> = this.headers();
    if (contentType !== undefined) headers['Content-Type'] = contentType;
    const res = await fetch(this.baseUrl + path + (qs ? `?${qs}` : ''), { method, headers, body });
    return wireResponse(res);
  }

  private headers(): Record<string, string> {
    const ua = this.userAgent ?? (this.style === 'plain' ? undefined : USER_AGENTS[this.style]);
    const headers: Record<string, string> = {};
    if (ua !== undefined) headers['User-Agent'] = ua;
    // Java sends its bare version, Node repeats its UA; Go and browsers send none.
    if (ua !== undefined && this.style === 'node') headers['Client-Version'] = ua;
    if (ua !== undefined && (this.style === 'java14' || this.style === 'java13')) {
      headers['Client-Version'] = ua.slice(ua.indexOf(':v') + 2);
    }
    if (this.style === 'java14' || this.style === 'java13' || this.style === 'node') {
      headers['Accept-Encoding'] = 'gzip,deflate,sdch';
      headers['Request-Module'] = 'Naming';
      headers['RequestId'] = randomUUID();
    }
    return headers;
  }
}

const FORM = 'application/x-www-form-urlencoded';

function withApp(params: Params): Params {
  return { app: 'unknown', ...params };
}

export function encode(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.append(key, String(value));
  return search.toString();
}

export async function wireResponse(res: Response): Promise<WireResponse> {
  const text = await res.text();
  return {
    status: res.status,
    text,
    contentType: res.headers.get('content-type') ?? '',
    json<T>(): T {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new Error(`not JSON (HTTP ${res.status}): ${text.slice(0, 500)}`);
      }
    },
  };
}

/** Raw fetch for the cases no client produces (oversized bodies, odd methods, bad content types). */
export async function rawRequest(baseUrl: string, path: string, init: RequestInit = {}): Promise<WireResponse> {
  return wireResponse(await fetch(baseUrl + path, init));
}
