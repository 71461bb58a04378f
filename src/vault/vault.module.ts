import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MasterKeyRing } from './master-key-ring';
import { PersonalDataVault } from './personal-data-vault';

/**
 * Personal data at rest: the master key ring (read once at start-up; a missing key stops the hub)
 * and the per-referral data keys. Global, like the audit writer: every repository that stores a
 * referral's personal data seals it here.
 */
@Global()
@Module({
  providers: [
    {
      provide: MasterKeyRing,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => MasterKeyRing.fromFile(config.env.DATA_MASTER_KEY_FILE),
    },
    PersonalDataVault,
  ],
  exports: [PersonalDataVault],
})
export class PersonalDataModule {}
