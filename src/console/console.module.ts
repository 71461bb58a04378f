import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ConsoleAuthController } from './console-auth.controller';
import { OidcSignIn } from './oidc-sign-in';
import { RegistryController } from './registry.controller';

/**
 * The officers' and auditors' web console: its sign-in and session routes and the registry it
 * fills its pickers from. The pages themselves are static files (`serveConsole`), and every job
 * they do goes through the same `/v1` API as any client's.
 */
@Module({
  imports: [AuthModule],
  controllers: [ConsoleAuthController, RegistryController],
  providers: [OidcSignIn],
})
export class ConsoleModule {}
