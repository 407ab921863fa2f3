import { Module } from '@nestjs/common';
import { ApplicationModule } from '../application/application.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { ApiAccessController } from './api-access.controller.js';
import { ApiAuthController } from './api-auth.controller.js';
import { LoginService } from './login-service.js';
import { NacosAccessController } from './nacos-access.controller.js';
import { NacosAuthController } from './nacos-auth.controller.js';

/**
 * The HTTP face of auth: login, users, roles and permissions under /nacos/v1/auth and
 * /api/v1/auth. A face like nacos/ and api/: it calls the application layer and auth's directory;
 * the guard itself stays in auth/, below every face.
 */
@Module({
  imports: [ApplicationModule, AuthModule],
  controllers: [NacosAuthController, NacosAccessController, ApiAuthController, ApiAccessController],
  providers: [LoginService],
})
export class AuthApiModule {}
