import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PartyRegistry } from '../parties/party-registry';

/**
 * The registered signing keys of each partner system, by country and `kid`. Loaded once at
 * start-up; a registered key file that cannot be read stops the hub, because accepting that
 * country's events unsigned instead would be the wrong failure.
 */
export class PartnerKeys {
  private constructor(
    private readonly byCountry: ReadonlyMap<string, ReadonlyMap<string, KeyObject>>,
  ) {}

  static fromRegistry(registry: PartyRegistry): PartnerKeys {
    const byCountry = new Map<string, Map<string, KeyObject>>();
    for (const country of registry.partnerCountries()) {
      const file = registry.partnerSystem(country)?.signingKeyFile;
      if (file === undefined) continue;
      let jwk: JsonWebKey & { kid?: unknown };
      try {
        jwk = JSON.parse(readFileSync(file, 'utf8')) as JsonWebKey & { kid?: unknown };
      } catch (error) {
        throw new Error(
          `cannot read the signing key of ${country}'s partner system (${file}): ${(error as Error).message}; ` +
            'run `npm run infra:up` to generate the development keys',
          { cause: error },
        );
      }
      if (typeof jwk.kid !== 'string') throw new Error(`the signing key ${file} has no kid`);
      byCountry.set(country, new Map([[jwk.kid, createPublicKey({ key: jwk, format: 'jwk' })]]));
    }
    return new PartnerKeys(byCountry);
  }

  /** The keys events from `country` must be signed with; undefined when none is registered. */
  of(country: string): ReadonlyMap<string, KeyObject> | undefined {
    return this.byCountry.get(country);
  }
}
