import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPartyRegistry, RegistryError } from './party-registry';

const CONFIG_DIR = join(__dirname, '..', '..', 'config');

/** A copy of the real configuration with `edit` applied to parties.json. */
function configWith(
  edit: (parties: { parties: Record<string, unknown>[] } & Record<string, unknown>) => void,
): string {
  const dir = mkdtempSync(join(tmpdir(), 'registry-'));
  const parties = JSON.parse(readFileSync(join(CONFIG_DIR, 'parties.json'), 'utf8')) as {
    parties: Record<string, unknown>[];
  };
  edit(parties);
  writeFileSync(join(dir, 'parties.json'), JSON.stringify(parties));
  writeFileSync(join(dir, 'checkpoints.json'), readFileSync(join(CONFIG_DIR, 'checkpoints.json')));
  return dir;
}

describe(loadPartyRegistry.name, () => {
  it('loads the parties and checkpoints of config/', () => {
    const registry = loadPartyRegistry(CONFIG_DIR);

    expect(registry.party('LA-BOKEO-POLICE')).toMatchObject({ country: 'LA', channel: 'http' });
    expect(registry.party('VN-MPS')).toMatchObject({ country: 'VN', channel: 'kafka' });
    expect(registry.partnerCountries()).toEqual(['CN', 'KH', 'TH', 'VN']);
    expect(registry.checkpoint('LA-CN-BOTEN')?.countries).toEqual(['LA', 'CN']);
    expect(registry.party('MM-POLICE')).toBeUndefined();
  });

  it('refuses a party code that does not start with its country', () => {
    const dir = configWith((file) => {
      file.parties.push({
        code: 'TH-FOO',
        country: 'VN',
        name: { en: 'x', local: 'x' },
        channel: 'kafka',
      });
    });

    expect(() => loadPartyRegistry(dir)).toThrow(/TH-FOO/);
  });

  it('refuses a malformed party code and names the field', () => {
    const dir = configWith((file) => {
      file.parties.push({
        code: 'bokeo',
        country: 'LA',
        name: { en: 'x', local: 'x' },
        channel: 'http',
      });
    });

    expect(() => loadPartyRegistry(dir)).toThrow(/parties\[\d+\]\.code: must be a party code/);
  });

  it('refuses a Kafka party of a country without a partner system', () => {
    const dir = configWith((file) => {
      file.parties.push({
        code: 'MM-POLICE',
        country: 'MM',
        name: { en: 'x', local: 'x' },
        channel: 'kafka',
      });
    });

    expect(() => loadPartyRegistry(dir)).toThrow(/no partner system is registered for MM/);
  });

  it('refuses a party listed twice', () => {
    const dir = configWith((file) => {
      file.parties.push({ ...file.parties[0] });
    });

    expect(() => loadPartyRegistry(dir)).toThrow(/lists LA-PDPCHT twice/);
  });

  it('says which file is missing', () => {
    expect(() => loadPartyRegistry('/nonexistent')).toThrow(RegistryError);
    expect(() => loadPartyRegistry('/nonexistent')).toThrow(/\/nonexistent\/parties\.json/);
  });
});
