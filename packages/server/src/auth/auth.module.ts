import { Module } from '@nestjs/common';
import type { BeaconConfig } from '../config/config.js';
import { CONFIG } from '../config/tokens.js';
import { StateBackendModule } from '../state-backend/state-backend.module.js';
import { AccessDirectory } from './access-directory.js';
import { AuthBootstrap } from './auth-bootstrap.js';
import { AuthGuard } from './auth-guard.js';
import { AUTH_STORE, type AuthStore } from './auth-store.js';
import { Authenticator } from './authenticator.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { PasswordHasher } from './password-hasher.js';
import { TOKEN_SECRET, resolveTokenSecret, type TokenSecret } from './token-secret.js';
import { TokenService } from './token-service.js';
import { AuditTrail } from '../audit/audit-trail.js';

/**
 * Users, roles and permissions (in the registry's SQLite database, or PostgreSQL in cluster mode),
 * tokens, and the guard that createBeaconApp installs on every request: below the faces and push,
 * importing none of them nor the application layer. Its HTTP API (login, users, roles,
 * permissions) is a face of its own, auth-api/. BEACON_AUTH=off keeps all of it but lets every
 * request through.
 */
@Module({
  imports: [StateBackendModule],
  providers: [
    {
      provide: TOKEN_SECRET,
      inject: [CONFIG, AUTH_STORE],
      useFactory: (config: BeaconConfig, store: AuthStore) => resolveTokenSecret(config, store),
    },
    {
      provide: TokenService,
      inject: [TOKEN_SECRET, CONFIG],
      useFactory: (secret: TokenSecret, config: BeaconConfig) => new TokenService(secret.key, config.tokenTtlSeconds),
    },
    { provide: PasswordHasher, useFactory: () => new PasswordHasher() },
    {
      // The store is StateBackendModule's choice: SQLite embedded, PostgreSQL in cluster mode.
      provide: AccessDirectory,
      inject: [AUTH_STORE, PasswordHasher, AuditTrail],
      useFactory: (store: AuthStore, hasher: PasswordHasher, trail: AuditTrail) =>
        AccessDirectory.open(store, hasher, trail),
    },
    {
      provide: LoginRateLimiter,
      inject: [CONFIG],
      useFactory: (config: BeaconConfig) => new LoginRateLimiter(config.loginAttemptsPerMinute),
    },
    {
      provide: Authenticator,
      inject: [TokenService, AccessDirectory, PasswordHasher, LoginRateLimiter],
      useFactory: (
        tokens: TokenService,
        directory: AccessDirectory,
        hasher: PasswordHasher,
        limiter: LoginRateLimiter,
      ) => new Authenticator(tokens, directory, hasher, limiter),
    },
    AuthGuard,
    AuthBootstrap,
  ],
  exports: [AuthGuard, Authenticator, AccessDirectory],
})
export class AuthModule {}
