import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { AuthGuard } from './auth.guard';
import { MeController } from './me.controller';
import { TokenVerifier } from './token-verifier';
import { trustedIssuers } from './trusted-issuers';

/**
 * Authentication of officers: token verification (development issuer, external OpenID Connect
 * issuer) and the global guard.
 */
@Module({
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
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenVerifier],
})
export class AuthModule {}
