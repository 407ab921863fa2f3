import type { LoginResult } from '@beacon/sdk/admin';

export interface Session {
  readonly accessToken: string;
  readonly username: string;
  readonly globalAdmin: boolean;
  /** ms since the epoch. */
  readonly expiresAt: number;
}

export interface AuthState {
  readonly session: Session | undefined;
  /** The server refused us (401): show the login page. */
  readonly loginRequired: boolean;
}

const STORAGE_KEY = 'beacon.session';

function load(): Session | undefined {
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (!raw) return undefined;
    const session = JSON.parse(raw) as Session;
    return session.expiresAt > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The signed-in operator, shared by the admin client (its bearer token), the watch stream and the
 * pages. Kept in localStorage so a reload or a second tab stays signed in until the token expires.
 */
class AuthStore {
  private state: AuthState = { session: load(), loginRequired: false };
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): AuthState => this.state;

  token(): string | undefined {
    const session = this.state.session;
    if (session && session.expiresAt <= Date.now()) {
      this.set({ session: undefined, loginRequired: true });
      return undefined;
    }
    return session?.accessToken;
  }

  signedIn(result: LoginResult): void {
    const session: Session = {
      accessToken: result.accessToken,
      username: result.username,
      globalAdmin: result.globalAdmin,
      // A little early, so we never send a token in its last seconds.
      expiresAt: Date.now() + Math.max(0, result.tokenTtl - 30) * 1000,
    };
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(session));
    } catch {
      // private mode: the session lasts as long as the page
    }
    this.set({ session, loginRequired: false });
  }

  /** The server answered 401: our token is missing, expired or revoked. */
  loginRequired(): void {
    if (this.state.loginRequired) return;
    this.forget();
    this.set({ session: undefined, loginRequired: true });
  }

  signOut(): void {
    this.forget();
    this.set({ session: undefined, loginRequired: true });
  }

  private forget(): void {
    try {
      globalThis.localStorage?.removeItem(STORAGE_KEY);
    } catch {
      // nothing stored
    }
  }

  private set(state: AuthState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}

export const auth = new AuthStore();
