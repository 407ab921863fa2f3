import type { Store } from '@beacon/core';

type WriteMethod = Exclude<keyof Store, 'load' | 'transaction'>;

/** One write of core's Store port as data: what a journal records and a database applies later. */
export type StoreOp = { [M in WriteMethod]: { readonly op: M; readonly args: Parameters<Store[M]> } }[WriteMethod];
