import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cosignCheckpoint,
  formatCheckpoint,
  parseCosignerVerifierKey,
  verifyCosignature,
} from '@hub/transparency-log';
import { ensureWitnessKey } from './dev-keys-setup';

describe(ensureWitnessKey.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'witness-keys-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function privateKeyOf(country: string) {
    const jwk = JSON.parse(readFileSync(join(dir, `witness-${country}.private.jwk`), 'utf8'));
    return createPrivateKey({ key: jwk, format: 'jwk' });
  }

  it('writes a private key and a vkey of the same key, named mekong-referral-hub/witness/CC', async () => {
    expect(await ensureWitnessKey(dir, 'TH')).toEqual(['witness-TH', 'witness-TH.vkey']);

    const vkey = readFileSync(join(dir, 'witness-TH.vkey'), 'utf8');
    const verifier = parseCosignerVerifierKey(vkey.trimEnd());
    const text = formatCheckpoint({ origin: 'log', size: 1, root: Buffer.alloc(32) });
    const line = cosignCheckpoint(text, { name: verifier.name, privateKey: privateKeyOf('TH') }, 1);

    expect(vkey.endsWith('\n') && !vkey.trimEnd().includes('\n')).toBe(true);
    expect(verifier.name).toBe('mekong-referral-hub/witness/TH');
    expect(verifyCosignature(text, line, verifier)).toEqual({ ok: true, time: 1 });
    expect(statSync(join(dir, 'witness-TH.private.jwk')).mode & 0o777).toBe(0o600);
  });

  it('overwrites nothing on a second run', async () => {
    await ensureWitnessKey(dir, 'VN');
    const before = readFileSync(join(dir, 'witness-VN.vkey'), 'utf8');

    expect(await ensureWitnessKey(dir, 'VN')).toEqual([]);
    expect(readFileSync(join(dir, 'witness-VN.vkey'), 'utf8')).toBe(before);
  });

  it('derives a missing vkey again from the existing key', async () => {
    await ensureWitnessKey(dir, 'KH');
    const before = readFileSync(join(dir, 'witness-KH.vkey'), 'utf8');
    unlinkSync(join(dir, 'witness-KH.vkey'));

    expect(await ensureWitnessKey(dir, 'KH')).toEqual(['witness-KH.vkey']);
    expect(readFileSync(join(dir, 'witness-KH.vkey'), 'utf8')).toBe(before);
  });
});
