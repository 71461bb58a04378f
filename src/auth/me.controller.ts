import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { CurrentPrincipal } from './current-principal.decorator';
import type { Principal } from './principal';
import { RequirePermission } from './require-permission.decorator';

/** What the hub knows of the caller: lets an officer (or a console) check its token. */
@ApiTags('identity')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @RequirePermission('identity.read')
  me(
    @CurrentPrincipal() principal: Principal,
  ): Principal & { partyName: { en: string; local: string } } {
    const party = this.config.registry.party(principal.party);
    return {
      ...principal,
      partyName: party ? { en: party.name.en, local: party.name.local } : { en: '', local: '' },
    };
  }
}
