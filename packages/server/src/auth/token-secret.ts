import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
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
 * There is no default secret. Embedded: BEACON_TOKEN_SECRET wins; otherwise a random one is
 * generated on the first start and kept in `<data dir>/token-secret` (mode 0600), so tokens
 * survive restarts. Cluster: every node must sign with one key, or tokens are refused both ways.
 * The cluster keeps it in PostgreSQL: the first node to start offers its BEACON_TOKEN_SECRET (or a
 * random one), and every node uses the kept one; a node whose BEACON_TOKEN_SECRET differs from it
 * refuses to start.
 */
export async function resolveTokenSecret(config: BeaconConfig, store: AuthStore): Promise<TokenSecret> {
  if (store.sharedTokenSecret) return clusterSecret(config.tokenSecret, store.sharedTokenSecret.bind(store));
  if (config.tokenSecret !== undefined) {
    return { key: Buffer.from(config.tokenSecret, 'utf8'), description: 'from BEACON_TOKEN_SECRET' };
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

async function clusterSecret(
  configured: string | undefined,
  shared: (candidate: string) => Promise<string>,
): Promise<TokenSecret> {
  const key = Buffer.from(await shared(configured ?? generate()), 'utf8');
  if (configured === undefined) {
    return {
      key,
      description: `BEACON_TOKEN_SECRET is unset: using the cluster's, kept in PostgreSQL (fingerprint ${fingerprintOf(key)})`,
    };
  }
  const mine = Buffer.from(configured, 'utf8');
  if (mine.length !== key.length || !timingSafeEqual(mine, key)) {
    throw new ConfigError(
      'BEACON_TOKEN_SECRET',
      `differs from the token secret the cluster keeps in PostgreSQL (fingerprint ${fingerprintOf(key)}, this ` +
        `node's ${fingerprintOf(mine)}): tokens would be refused between nodes. Give every node the same value, ` +
        `or unset it to use the cluster's; to change the cluster's, stop every node, run ` +
        `DELETE FROM token_secret, and start them with the new value`,
    );
  }
  return {
    key,
    description: `from BEACON_TOKEN_SECRET, the same as the cluster's (fingerprint ${fingerprintOf(key)})`,
  };
}

/**
 * Tells two keys apart in a log line without showing either: the first 8 hex digits of a SHA-256
 * of the key under a label: enough to tell keys apart, and it does not give the key away.
 */
export function fingerprintOf(key: Buffer): string {
  return createHash('sha256').update('beacon token secret\0').update(key).digest('hex').slice(0, 8);
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
