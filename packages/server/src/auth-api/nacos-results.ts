import type { ParamReader } from '../http/param-reader.js';

/** Nacos's page of administration lists. */
export interface Page<T> {
  totalCount: number;
  pageNumber: number;
  pagesAvailable: number;
  pageItems: T[];
}

/** Nacos's RestResult of an administration call that returns nothing. */
export interface RestResult {
  readonly code: 200;
  readonly message: string;
  readonly data: null;
}

export function restResult(message: string): RestResult {
  return { code: 200, message, data: null };
}

/** One page of `items`, as `pageNo` and `pageSize` (at most 1000) ask. */
export function page<T>(items: T[], p: ParamReader): Page<T> {
  const pageNo = Math.max(1, p.int('pageNo', 1));
  const pageSize = Math.min(1000, Math.max(1, p.int('pageSize', 100)));
  return {
    totalCount: items.length,
    pageNumber: pageNo,
    pagesAvailable: Math.ceil(items.length / pageSize),
    pageItems: items.slice((pageNo - 1) * pageSize, pageNo * pageSize),
  };
}
