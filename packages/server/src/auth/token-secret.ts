import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, MIN_TOKEN_SECRET_BYTES, type BeaconConfig } from '../config/config.js';
import type { AuthStore } from './auth-store.js';

export const TOKEN_SECRET_FILE = 'token-secret';

/** Injection token of the resolved TokenSecret. */
export const TOKEN_SECRET = Symbol('TokenSecret');

export interface TokenSecret {
  readonly key: Buffer;
  /** Where it came from, for the start-up log (never the secret itself). */
  readonly description: string;
}

/**
 * There is no default secret. BEACON_TOKEN_SECRET wins; otherwise a random one is generated on the
 * first start and kept: in cluster mode in PostgreSQL, shared by every node (so a token one node
 * issued is good on all), else in `<data dir>/token-secret` (mode 0600), so tokens survive restarts.
 */
export async function resolveTokenSecret(config: BeaconConfig, store: AuthStore): Promise<TokenSecret> {
  if (config.tokenSecret !== undefined) {
    return { key: Buffer.from(config.tokenSecret, 'utf8'), description: 'from BEACON_TOKEN_SECRET' };
  }
  if (store.sharedTokenSecret) {
    const key = Buffer.from(await store.sharedTokenSecret(generate()), 'utf8');
    return { key, description: 'shared by the cluster, kept in PostgreSQL' };
  }
  if (config.dataDir === ':memory:') {
    return { key: Buffer.from(generate(), 'utf8'), description: 'generated for this process only (no data dir)' };
  }

  const file = join(config.dataDir, TOKEN_SECRET_FILE);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  try {
    // 'wx': create only if absent, so two processes never overwrite each other's secret.
    writeFileSync(file, generate() + '\n', { mode: 0o600, flag: 'wx' });
    return { key: read(file), description: `generated and kept in ${file}` };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { key: read(file), description: `kept in ${file}` };
}

function generate(): string {
  return randomBytes(48).toString('base64url');
}

function read(file: string): Buffer {
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
  if (key.length < MIN_TOKEN_SECRET_BYTES) {
    throw new ConfigError(
      'BEACON_TOKEN_SECRET',
      `is unset and ${file} holds fewer than ${MIN_TOKEN_SECRET_BYTES} bytes; delete the file to generate a new secret`,
    );
  }
  return key;
}
