import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SubmittedReferralData, validatePayload } from '@hub/contracts';
import { PARTNER_COUNTRIES, isPartnerCountry, victimRepatriationFixture } from './fixtures';

const CONFIG = join(__dirname, '..', '..', '..', 'config');

interface Registry {
  partnerSystems: { country: string }[];
  parties: { code: string; country: string; channel: string }[];
}
interface Checkpoints {
  checkpoints: { code: string; countries: string[] }[];
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(join(CONFIG, file), 'utf8'));
}

describe('the partner countries the simulator knows', () => {
  const registry = readJson('parties.json') as Registry;
  const { checkpoints } = readJson('checkpoints.json') as Checkpoints;

  it('are the partner systems of the registry, with their parties in registry order', () => {
    const countries = registry.partnerSystems.map((s) => s.country).sort();
    expect(Object.keys(PARTNER_COUNTRIES).sort()).toEqual(countries);
    for (const country of countries) {
      const parties = registry.parties.filter((p) => p.country === country).map((p) => p.code);
      expect(isPartnerCountry(country) && PARTNER_COUNTRIES[country].parties).toEqual(parties);
    }
  });

  it('hand over at a registered checkpoint of their border with Laos', () => {
    for (const [country, partner] of Object.entries(PARTNER_COUNTRIES)) {
      const checkpoint = checkpoints.find((c) => c.code === partner.checkpoint);
      expect(checkpoint?.countries.slice().sort()).toEqual(['LA', country].sort());
    }
  });
});

describe('the --submit fixture', () => {
  it.each(Object.keys(PARTNER_COUNTRIES))('is a valid submitted referral for %s', (country) => {
    if (!isPartnerCountry(country)) throw new Error(country);
    const data = victimRepatriationFixture({
      country,
      referralId: '0a1b2c3d-0000-4000-8000-000000000001',
      from: PARTNER_COUNTRIES[country].parties[0],
      to: 'LA-BOKEO-POLICE',
      now: new Date('2026-03-02T02:00:00Z'),
    });
    const checked = validatePayload(SubmittedReferralData, data);

    expect(checked.ok ? [] : checked.errors).toEqual([]);
    expect(data.repatriation?.proposedCheckpoint).toBe(PARTNER_COUNTRIES[country].checkpoint);
    expect(data.repatriation?.proposedDate).toBe('2026-03-16');
  });
});
