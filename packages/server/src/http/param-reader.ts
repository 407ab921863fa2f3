import { InvalidParameterError } from '@beacon/core';

type Raw = Record<string, unknown>;

/**
 * Request parameters as Nacos reads them (reference section 0): the query string and a form body
 * merged for every method, values trimmed, blank treated as missing. One reader per request.
 */
export class ParamReader {
  constructor(private readonly values: Readonly<Record<string, string>>) {}

  static from(query: unknown, body: unknown): ParamReader {
    const values: Record<string, string> = {};
    merge(values, body);
    merge(values, query);
    return new ParamReader(values);
  }

  /** The trimmed value, or undefined when missing or blank. */
  get(name: string): string | undefined {
    const value = this.values[name];
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
    const value = this.get(name);
    if (value === undefined) throw new InvalidParameterError(`Param '${name}' is required.`);
    return value;
  }

  /** A Java int: whole number within 32 bits, else `For input string: "<raw>"`. */
  int(name: string, fallback: number): number {
    const raw = this.get(name);
    return raw === undefined ? fallback : parseJavaInt(raw);
  }

  requiredInt(name: string): number {
    return parseJavaInt(this.required(name));
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

function merge(target: Record<string, string>, source: unknown): void {
  if (source === null || typeof source !== 'object' || Buffer.isBuffer(source)) return;
  for (const [key, value] of Object.entries(source as Raw)) {
    // Repeated parameters: the servlet API's getParameter returns the first.
    const v = Array.isArray(value) ? value[0] : value;
    if (typeof v === 'string') target[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') target[key] = String(v);
  }
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
