import { Module } from '@nestjs/common';
import { NamespaceService } from '../application/namespace-service.js';
import { STATE_BACKEND, type StateBackend } from '../application/state-backend.js';
import type { BeaconConfig } from '../config/config.js';
import { CONFIG } from '../config/tokens.js';
import { StateBackendModule } from '../state-backend/state-backend.module.js';
import { AccessDirectory } from './access-directory.js';
import { ApiAuthController } from '../auth-api/api-auth.controller.js';
import { AuthBootstrap } from './auth-bootstrap.js';
import { AuthGuard } from './auth-guard.js';
import { AUTH_STORE, type AuthStore } from './auth-store.js';
import { Authenticator } from './authenticator.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { LoginService } from '../auth-api/login-service.js';
import { NacosAuthController } from '../auth-api/nacos-auth.controller.js';
import { PasswordHasher } from './password-hasher.js';
import { TOKEN_SECRET, resolveTokenSecret, type TokenSecret } from './token-secret.js';
import { TokenService } from './token-service.js';

/**
 * Users, roles and permissions (in the registry's SQLite database, or PostgreSQL in cluster mode),
 * tokens, login, and the guard that createBeaconApp installs on every request. BEACON_AUTH=off
 * keeps all of it but lets every request through.
 */
@Module({
  imports: [StateBackendModule],
  controllers: [NacosAuthController, ApiAuthController],
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
      inject: [AUTH_STORE, PasswordHasher],
      useFactory: (store: AuthStore, hasher: PasswordHasher) => AccessDirectory.open(store, hasher),
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
    // Its own instance (the service is stateless): importing ApplicationModule would close a cycle
    // through PushModule, which imports this module for the guard.
    {
      provide: NamespaceService,
      inject: [STATE_BACKEND],
      useFactory: (state: StateBackend) => new NamespaceService(state),
    },
    LoginService,
    AuthGuard,
    AuthBootstrap,
  ],
  exports: [AuthGuard, Authenticator, AccessDirectory],
})
export class AuthModule {}
