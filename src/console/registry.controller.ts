import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../auth/require-permission.decorator';
import { AppConfig } from '../config/app-config';
import type { PartyRegistry } from '../parties/party-registry';

/** A registered party as forms and lists show it. */
export interface RegistryParty {
  code: string;
  country: string;
  /** In English. */
  name: string;
  /** In the party's own language. */
  localName: string;
  /** `http`: a Lao agency using the API; `kafka`: served by its country's partner system. */
  channel: 'http' | 'kafka';
}

/** A border checkpoint where hand-overs take place. */
export interface RegistryCheckpoint {
  code: string;
  name: string;
  countries: readonly string[];
}

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
  registry(): { parties: RegistryParty[]; checkpoints: RegistryCheckpoint[] } {
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
