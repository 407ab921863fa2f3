import { InvalidParameterError, requireParam } from '@beacon/core';

type Raw = Record<string, unknown>;

/**
 * Request parameters as Nacos reads them (docs/nacos-protocol.md §0): the query string and a form body
 * merged for every method, values trimmed, blank treated as missing. One reader per request.
 */
export class ParamReader {
  constructor(private readonly values: Readonly<Record<string, string>>) {}

  /**
   * The query wins over the body for a name present in both. Values are looked up on demand, not
   * copied into a merged map: a beat reads six names, so merging every parameter would be waste on
   * the hottest route.
   */
  static from(query: unknown, body: unknown): ParamReader {
    return new RequestParams(asRecord(query), asRecord(body));
  }

  /** The raw value of one parameter, untrimmed. */
  protected raw(name: string): string | undefined {
    return Object.hasOwn(this.values, name) ? this.values[name] : undefined;
  }

  /** The trimmed value, or undefined when missing or blank. */
  get(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  /** The first of several names that is present (`enabled` then `enable`, `clusterName` then `cluster`). */
  first(...names: string[]): string | undefined {
    for (const name of names) {
      const value = this.get(name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  required(name: string): string {
    return requireParam(this.get(name), name);
  }

  /** A Java int: whole number within 32 bits, else `For input string: "<raw>"`. */
  int(name: string, fallback: number): number {
    const raw = this.get(name);
    return raw === undefined ? fallback : parseJavaInt(raw);
  }

  requiredInt(name: string): number {
    return parseJavaInt(requireParam(this.get(name), name, 'Integer'));
  }

  float(name: string, fallback: number): number {
    const raw = this.get(name);
    return raw === undefined ? fallback : parseJavaDouble(raw);
  }

  /** Java's Boolean.parseBoolean: only "true" (any case) is true. */
  bool(name: string, fallback: boolean): boolean {
    const raw = this.get(name);
    return raw === undefined ? fallback : raw.toLowerCase() === 'true';
  }

  boolOf(names: string[], fallback: boolean): boolean {
    const raw = this.first(...names);
    return raw === undefined ? fallback : raw.toLowerCase() === 'true';
  }
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/** A request's parameters, read lazily from the parsed query and body. */
class RequestParams extends ParamReader {
  constructor(
    private readonly query: Raw | undefined,
    private readonly body: Raw | undefined,
  ) {
    super(NO_PARAMS);
  }

  protected override raw(name: string): string | undefined {
    return scalar(this.query, name) ?? scalar(this.body, name);
  }
}

function asRecord(source: unknown): Raw | undefined {
  if (source === null || typeof source !== 'object' || Buffer.isBuffer(source)) return undefined;
  return source as Raw;
}

/** A parameter as text. Repeated parameters: the servlet API's getParameter returns the first. */
function scalar(source: Raw | undefined, name: string): string | undefined {
  if (source === undefined || !Object.hasOwn(source, name)) return undefined;
  const value = source[name];
  const v = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

const JAVA_INT = /^[+-]?\d{1,10}$/;

export function parseJavaInt(raw: string): number {
  const n = Number(raw);
  if (!JAVA_INT.test(raw) || n > 2147483647 || n < -2147483648) {
    throw new InvalidParameterError(`For input string: "${raw}"`);
  }
  return n;
}

const JAVA_DOUBLE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/;

export function parseJavaDouble(raw: string): number {
  if (!JAVA_DOUBLE.test(raw)) throw new InvalidParameterError(`For input string: "${raw}"`);
  const n = Number(raw.replace(/[dDfF]$/, ''));
  if (!Number.isFinite(n)) throw new InvalidParameterError(`For input string: "${raw}"`);
  return n;
}
