import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from './app-config';

/** Makes the one {@link AppConfig} of this process injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }, Clock],
      exports: [AppConfig, Clock],
    };
  }
}
