/** A Payload as @grpc/proto-loader hands it over (see proto/nacos_grpc_service.proto). */
export interface WirePayload {
  metadata?: { type?: string; clientIp?: string; headers?: Record<string, string> } | null;
  body?: { type_url?: string; value?: Uint8Array } | null;
}

/** A decoded payload: the type its metadata names, its headers, and its JSON body. */
export interface Message {
  readonly type: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
}

/** The payload cannot be read at all: no type, or a body that is not a JSON object. */
export class MalformedPayload extends Error {}

export function decodePayload(payload: WirePayload): Message {
  const type = payload.metadata?.type ?? '';
  if (type === '') throw new MalformedPayload('the payload metadata names no type');
  const bytes = payload.body?.value;
  let body: unknown = {};
  if (bytes !== undefined && bytes.length > 0) {
    try {
      body = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    } catch {
      throw new MalformedPayload(`the body of ${type} is not JSON`);
    }
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new MalformedPayload(`the body of ${type} is not a JSON object`);
  }
  const record = body as Record<string, unknown>;
  // Java clients move headers into the metadata; others may leave some in the body. Metadata wins.
  return { type, headers: { ...stringRecord(record['headers']), ...payload.metadata?.headers }, body: record };
}

/**
 * Every body that leaves the server, responses and server requests alike, is written here. Null
 * fields are left out, as Nacos's JacksonUtils writes them (`Include.NON_NULL`): Python's pydantic
 * models refuse `"message": null` where a string is declared, and every client has a default for
 * an absent field.
 */
export function encodePayload(type: string, body: object): WirePayload {
  return {
    metadata: { type, clientIp: '', headers: {} },
    body: { type_url: '', value: Buffer.from(toWireJson(body)) },
  };
}

/** JSON without null object fields, at any depth (nulls inside arrays stay, as with Jackson). */
export function toWireJson(body: object): string {
  return JSON.stringify(body, omitNullFields);
}

function omitNullFields(this: unknown, key: string, value: unknown): unknown {
  return value === null && key !== '' && !Array.isArray(this) ? undefined : value;
}

/** Nacos reads request headers case-insensitively (a TreeMap with CASE_INSENSITIVE_ORDER). */
export function headerOf(message: Message, name: string): string | undefined {
  const direct = message.headers[name];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(message.headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** The string-valued entries of a JSON object; anything else is dropped. */
export function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const result: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') result[key] = v;
  return result;
}
