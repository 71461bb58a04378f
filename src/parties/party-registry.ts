import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { countryOfParty } from '@hub/contracts';
import {
  CheckpointsFileDto,
  PartiesFileDto,
  type CheckpointDto,
  type HubIdentityDto,
  type PartnerSystemDto,
  type PartyDto,
} from './registry-file.dto';

/** A party registered in `config/parties.json`. */
export type Party = Readonly<PartyDto>;
/** One partner country's system, the only identity that speaks for that country on Kafka. */
export type PartnerSystem = Readonly<PartnerSystemDto>;
/** A border checkpoint from `config/checkpoints.json`. */
export type Checkpoint = Readonly<CheckpointDto>;

/** The registry files are missing or invalid; the message names the file and the field. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
}

/**
 * Parties, partner systems and border checkpoints, loaded from `config/` once at start-up.
 * Immutable: a change of configuration needs a restart, so every request sees one registry.
 */
export class PartyRegistry {
  private readonly parties: ReadonlyMap<string, Party>;
  private readonly systems: ReadonlyMap<string, PartnerSystem>;
  private readonly checkpointsByCode: ReadonlyMap<string, Checkpoint>;

  constructor(
    readonly hub: Readonly<HubIdentityDto>,
    partnerSystems: readonly PartnerSystem[],
    parties: readonly Party[],
    checkpoints: readonly Checkpoint[],
  ) {
    this.parties = new Map(parties.map((p) => [p.code, p]));
    this.systems = new Map(partnerSystems.map((s) => [s.country, s]));
    this.checkpointsByCode = new Map(checkpoints.map((c) => [c.code, c]));
  }

  party(code: string): Party | undefined {
    return this.parties.get(code);
  }

  allParties(): readonly Party[] {
    return [...this.parties.values()];
  }

  /** Countries served by a partner system over Kafka, in a stable order. */
  partnerCountries(): readonly string[] {
    return [...this.systems.keys()].sort();
  }

  partnerSystem(country: string): PartnerSystem | undefined {
    return this.systems.get(country);
  }

  checkpoint(code: string): Checkpoint | undefined {
    return this.checkpointsByCode.get(code);
  }

  allCheckpoints(): readonly Checkpoint[] {
    return [...this.checkpointsByCode.values()];
  }
}

/** Reads and validates `parties.json` and `checkpoints.json` from `configDir`. */
export function loadPartyRegistry(configDir: string): PartyRegistry {
  const partiesFile = join(resolve(configDir), 'parties.json');
  const checkpointsFile = join(resolve(configDir), 'checkpoints.json');
  const parties = readValidated(partiesFile, PartiesFileDto);
  const checkpoints = readValidated(checkpointsFile, CheckpointsFileDto);
  checkConsistency(partiesFile, parties);
  checkUnique(
    checkpointsFile,
    'checkpoints',
    checkpoints.checkpoints.map((c) => c.code),
  );
  return new PartyRegistry(
    parties.hub,
    parties.partnerSystems,
    parties.parties,
    checkpoints.checkpoints,
  );
}

function readValidated<T extends object>(file: string, type: ClassConstructor<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RegistryError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const value = plainToInstance(type, raw);
  const errors = validateSync(value, { stopAtFirstError: true });
  const first = firstError(errors, '');
  if (first) throw new RegistryError(`invalid ${file}: ${first}`);
  return value;
}

function firstError(errors: readonly ValidationError[], prefix: string): string | undefined {
  for (const error of errors) {
    const path = /^\d+$/.test(error.property)
      ? `${prefix}[${error.property}]`
      : `${prefix}${prefix ? '.' : ''}${error.property}`;
    const constraint = Object.values(error.constraints ?? {})[0];
    if (constraint) return `${path}: ${constraint}`;
    const nested = firstError(error.children ?? [], path);
    if (nested) return nested;
  }
  return undefined;
}

function checkConsistency(file: string, content: PartiesFileDto): void {
  checkUnique(
    file,
    'parties',
    content.parties.map((p) => p.code),
  );
  checkUnique(
    file,
    'partnerSystems',
    content.partnerSystems.map((s) => s.country),
  );
  for (const [index, party] of content.parties.entries()) {
    if (countryOfParty(party.code) !== party.country) {
      throw new RegistryError(
        `invalid ${file}: parties[${index}].country ${party.country} does not match code ${party.code}`,
      );
    }
    const served = content.partnerSystems.some((s) => s.country === party.country);
    if (party.channel === 'kafka' && !served) {
      throw new RegistryError(
        `invalid ${file}: parties[${index}] (${party.code}) is served over Kafka but no partner system is registered for ${party.country}`,
      );
    }
    if (party.channel === 'http' && party.country !== content.hub.country) {
      throw new RegistryError(
        `invalid ${file}: parties[${index}] (${party.code}) uses the HTTP API but only ${content.hub.country} agencies do`,
      );
    }
  }
}

function checkUnique(file: string, what: string, keys: readonly string[]): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) throw new RegistryError(`invalid ${file}: ${what} lists ${key} twice`);
    seen.add(key);
  }
}
