import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { AuthGuard } from './auth.guard';
import { ConsoleSessions } from './console-sessions';
import { MeController } from './me.controller';
import { RoutePermissions } from './route-permissions';
import { TokenVerifier } from './token-verifier';
import { trustedIssuers } from './trusted-issuers';

/**
 * Authentication and authorisation of officers: token verification (development issuer, external
 * OpenID Connect issuer), the global guard that enforces each route's declared permission, and the
 * start-up check that every route declares one.
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [MeController],
  providers: [
    {
      provide: TokenVerifier,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) =>
        new TokenVerifier(
          await trustedIssuers(config.env),
          config.env.AUTH_CLOCK_TOLERANCE_SECONDS,
          config.registry,
        ),
    },
    RoutePermissions,
    ConsoleSessions,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenVerifier, RoutePermissions, ConsoleSessions],
})
export class AuthModule {}
