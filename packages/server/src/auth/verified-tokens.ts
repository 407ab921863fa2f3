/** How many tokens stay verified at once: one per client process of a large fleet (~0.4 kB each). */
export const MAX_VERIFIED_TOKENS = 100_000;

interface Entry<T> {
  readonly value: T;
  /** When the token expires (ms): the entry is dead from then on, as the token is. */
  readonly expiresAt: number;
  /** The access directory's generation the check was made against. */
  readonly generation: number;
}

/**
 * What a full token check concluded, kept under the token string so that the next request with the
 * same token skips the signature, the payload parsing and the user lookup (a client sends the same
 * token with every beat until it renews it). An entry holds only while the token has not expired
 * and nothing in the access directory has changed since (`generation`): a deleted user, a changed
 * password, a role or permission granted or revoked makes every entry stale at once. Only successful
 * checks are kept, so an entry can only exist for a token that once passed the whole check.
 * Bounded: when full, the oldest entry goes first.
 */
export class VerifiedTokens<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly now: () => number,
    private readonly max = MAX_VERIFIED_TOKENS,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value remembered for `token`, if it still holds at `generation`. */
  get(token: string, generation: number): T | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.generation !== generation || this.now() >= entry.expiresAt) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  remember(token: string, value: T, expiresAt: number, generation: number): void {
    if (!this.entries.has(token) && this.entries.size >= this.max) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    // A copy: a token read from a request is often a slice of the whole query string or header,
    // which a key would keep alive for as long as the entry lives. (Tokens that verify are ASCII.)
    this.entries.set(Buffer.from(token, 'latin1').toString('latin1'), { value, expiresAt, generation });
  }

  clear(): void {
    this.entries.clear();
  }
}
