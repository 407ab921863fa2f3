import type { Store, StoredState } from '@beacon/core';
import type { StoreOp } from '../../storage/store-op.js';

/**
 * Core's Store for a node's view in cluster mode. The view is memory; what is durable lives in
 * PostgreSQL, written by the cluster backend. While `record` runs a mutation, every write the
 * registry makes is kept as a StoreOp, for the backend to commit; outside it (changes arriving from
 * the stream) writes are dropped, because their originator wrote them.
 */
export class JournalStore implements Store {
  private journal: StoreOp[] | undefined;

  constructor(private readonly initial: StoredState) {}

  load(): StoredState {
    return this.initial;
  }

  /** Runs `work` and returns its result with the writes it made. */
  record<T>(work: () => T): { result: T; ops: StoreOp[] } {
    const ops: StoreOp[] = [];
    this.journal = ops;
    try {
      return { result: work(), ops };
    } finally {
      this.journal = undefined;
    }
  }

  private keep(op: StoreOp): void {
    this.journal?.push(op);
  }

  putNamespace(...args: Parameters<Store['putNamespace']>): void {
    this.keep({ op: 'putNamespace', args });
  }
  deleteNamespace(...args: Parameters<Store['deleteNamespace']>): void {
    this.keep({ op: 'deleteNamespace', args });
  }
  putService(...args: Parameters<Store['putService']>): void {
    this.keep({ op: 'putService', args });
  }
  deleteService(...args: Parameters<Store['deleteService']>): void {
    this.keep({ op: 'deleteService', args });
  }
  putCluster(...args: Parameters<Store['putCluster']>): void {
    this.keep({ op: 'putCluster', args });
  }
  putInstance(...args: Parameters<Store['putInstance']>): void {
    this.keep({ op: 'putInstance', args });
  }
  deleteInstance(...args: Parameters<Store['deleteInstance']>): void {
    this.keep({ op: 'deleteInstance', args });
  }
  putOverride(...args: Parameters<Store['putOverride']>): void {
    this.keep({ op: 'putOverride', args });
  }
  deleteOverride(...args: Parameters<Store['deleteOverride']>): void {
    this.keep({ op: 'deleteOverride', args });
  }
  putSwitches(...args: Parameters<Store['putSwitches']>): void {
    this.keep({ op: 'putSwitches', args: [{ ...args[0] }] });
  }
  transaction<T>(work: () => T): T {
    return work();
  }
}
