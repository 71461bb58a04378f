import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RegistryParty, RegistryView } from '@hub/contracts';
import { RequirePermission } from '../auth/require-permission.decorator';
import { AppConfig } from '../config/app-config';
import type { PartyRegistry } from '../parties/party-registry';

export type { RegistryCheckpoint, RegistryParty } from '@hub/contracts';

/** Every registered party, as {@link RegistryParty}. */
export function registryParties(registry: PartyRegistry): RegistryParty[] {
  return registry.allParties().map((p) => ({
    code: p.code,
    country: p.country,
    name: p.name.en,
    localName: p.name.local,
    channel: p.channel,
  }));
}

/** `GET /v1/registry`: the parties and checkpoints of config/, for pickers and names. */
@ApiTags('registry')
@Controller('registry')
export class RegistryController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @RequirePermission('registry.read')
  @ApiOperation({
    summary: 'Registered parties (names in English and their own language) and border checkpoints',
  })
  registry(): RegistryView {
    const registry = this.config.registry;
    return {
      parties: registryParties(registry),
      checkpoints: registry.allCheckpoints().map((c) => ({
        code: c.code,
        name: c.name,
        countries: [...c.countries],
      })),
    };
  }
}
