import { InvalidParameterError } from '@beacon/core';

/** Typed reads of a JSON body with clear 400 messages; no class-validator needed for a few fields. */
export class BodyReader {
  private readonly value: Record<string, unknown>;

  constructor(body: unknown) {
    if (body === undefined || body === null) {
      this.value = {};
    } else if (typeof body !== 'object' || Array.isArray(body)) {
      throw new InvalidParameterError('request body must be a JSON object');
    } else {
      this.value = body as Record<string, unknown>;
    }
  }

  string(key: string): string | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new InvalidParameterError(`${key} must be a string`);
    return v.trim();
  }

  /** A number within bounds; with `nullable`, null is kept (it means "remove this override"). */
  number(key: string, min: number, max: number, nullable: true): number | null | undefined;
  number(key: string, min: number, max: number, nullable?: false): number | undefined;
  number(key: string, min: number, max: number, nullable = false): number | null | undefined {
    const v = this.value[key];
    if (v === null && nullable) return null;
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      throw new InvalidParameterError(`${key} must be a number from ${min} to ${max}${nullable ? ' or null' : ''}`);
    }
    return v;
  }

  /** A boolean; with `nullable`, null is kept (it means "remove this override"). */
  boolean(key: string, nullable: true): boolean | null | undefined;
  boolean(key: string, nullable?: false): boolean | undefined;
  boolean(key: string, nullable = false): boolean | null | undefined {
    const v = this.value[key];
    if (v === null && nullable) return null;
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean')
      throw new InvalidParameterError(`${key} must be true or false${nullable ? ' or null' : ''}`);
    return v;
  }

  /** A map of string values; with `nullable`, null values are kept (they mean "clear this key"). */
  stringMap(key: string, nullable: true): Record<string, string | null> | undefined;
  stringMap(key: string, nullable?: false): Record<string, string> | undefined;
  stringMap(key: string, nullable = false): Record<string, string | null> | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidParameterError(`${key} must be an object`);
    const result: Record<string, string | null> = {};
    for (const [k, item] of Object.entries(v)) {
      if (k.trim() === '') throw new InvalidParameterError(`${key} keys must not be blank`);
      if (typeof item === 'string') result[k] = item;
      else if (item === null && nullable) result[k] = null;
      else throw new InvalidParameterError(`${key}.${k} must be a string${nullable ? ' or null' : ''}`);
    }
    return result;
  }

  /** A nested object, read the same way; absent reads as an empty one. */
  object(key: string): BodyReader {
    const v = this.value[key];
    if (v !== undefined && v !== null && (typeof v !== 'object' || Array.isArray(v))) {
      throw new InvalidParameterError(`${key} must be an object`);
    }
    return new BodyReader(v);
  }

  /** An array of objects, each read the same way; at most `max` of them, so a body cannot ask for unbounded work. */
  objects(key: string, max: number): BodyReader[] {
    const v = this.value[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new InvalidParameterError(`${key} must be an array`);
    if (v.length > max) throw new InvalidParameterError(`${key} may hold at most ${max} entries, got ${v.length}`);
    return v.map((item: unknown, n) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw new InvalidParameterError(`${key}[${n}] must be an object`);
      }
      return new BodyReader(item);
    });
  }
}
