import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { AuthGuard } from './auth.guard';
import { MeController } from './me.controller';
import { loadIssuerKey, TokenVerifier } from './token-verifier';

/** Authentication of officers: token verification and the global guard. */
@Module({
  controllers: [MeController],
  providers: [
    {
      provide: TokenVerifier,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) =>
        new TokenVerifier(
          {
            issuer: config.env.AUTH_ISSUER,
            audience: config.env.AUTH_AUDIENCE,
            clockToleranceSeconds: config.env.AUTH_CLOCK_TOLERANCE_SECONDS,
          },
          await loadIssuerKey(config.env.AUTH_PUBLIC_KEY_FILE),
          config.registry,
        ),
    },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenVerifier],
})
export class AuthModule {}
