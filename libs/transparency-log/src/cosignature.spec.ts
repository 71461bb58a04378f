import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { formatCheckpoint, openCheckpoint } from './checkpoint';
import {
  addSignatureLines,
  cosignatureKeyId,
  cosignatureMessage,
  cosignCheckpoint,
  createCosignatureVerifier,
  findCosignatures,
  formatCosignerVerifierKey,
  parseCosignerVerifierKey,
  verifyCosignature,
} from './cosignature';
import {
  ed25519KeyId,
  formatVerifierKey,
  openNote,
  parseVerifierKey,
  signNote,
} from './signed-note';

/*
 * Interoperability vector: a real checkpoint of the Certificate Transparency staging log
 * arche2025h1, cosigned by public witnesses, as published in the tests of a third-party Python
 * checkpoint library (verified there against the log's and the remora witness's keys). The log
 * key is a plain signed-note key (type 0x01, its second line); the first line is an RFC 6962
 * signature type, which we do not know and ignore; the remora witness key is of type 0x04 (its
 * vkey is also a vector of transparency-dev/formats, note/note_cosigv1_test.go).
 */
const ARCHE_ORIGIN = 'arche2025h1.staging.ct.transparency.dev';
const ARCHE_VKEY =
  'arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f';
const REMORA_VKEY = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
const ARCHE_TEXT = `${ARCHE_ORIGIN}\n1432088532\nU7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=\n`;
const REMORA_LINE =
  '— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==';
const ARCHE_NOTE =
  `${ARCHE_TEXT}\n` +
  '— arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=\n' +
  '— arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=\n' +
  '— transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==\n' +
  '— witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==\n' +
  `${REMORA_LINE}\n` +
  '— witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==\n';
/** The remora line's timestamp: bytes 4..12 of its base64, 0x000000006a122120. */
const REMORA_TIME = 1_779_573_024;

const ORIGIN = 'hub.example.la/audit';
const WITNESS = 'mekong-referral-hub/witness/TH';
const log = generateKeyPairSync('ed25519');
const witness = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const TEXT = formatCheckpoint({ origin: ORIGIN, size: 7, root: Buffer.alloc(32, 1) });
const NOTE = signNote(TEXT, { name: ORIGIN, privateKey: log.privateKey });
const cosigner = { name: WITNESS, privateKey: witness.privateKey };
const witnessVerifier = createCosignatureVerifier(WITNESS, witness.publicKey);
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const T = 1_767_225_600; // 2026-01-01T00:00:00Z

/** The bytes of a signature line's base64 field. */
function payloadOf(line: string): Buffer {
  return Buffer.from(line.slice(line.lastIndexOf(' ') + 1), 'base64');
}

function lineWith(name: string, payload: Buffer): string {
  return `— ${name} ${payload.toString('base64')}`;
}

describe('the interoperability vector', () => {
  it('reads the remora witness key and verifies its cosignature of the real checkpoint', () => {
    const remora = parseCosignerVerifierKey(REMORA_VKEY);

    expect(remora.name).toBe('remora.n621.de');
    expect(remora.keyId).toBe(0xda77ade7);
    expect(formatCosignerVerifierKey('remora.n621.de', remora.publicKey)).toBe(REMORA_VKEY);
    expect(verifyCosignature(ARCHE_TEXT, REMORA_LINE, remora)).toEqual({
      ok: true,
      time: REMORA_TIME,
    });
  });

  it('finds the remora cosignature among unknown witnesses, and the log key still opens the note', () => {
    const found = findCosignatures(ARCHE_NOTE, [parseCosignerVerifierKey(REMORA_VKEY)]);
    const opened = openCheckpoint(ARCHE_NOTE, [parseVerifierKey(ARCHE_VKEY)], ARCHE_ORIGIN);

    expect(found.ok && found.value.valid.map((c) => [c.line, c.time])).toEqual([
      [REMORA_LINE, REMORA_TIME],
    ]);
    expect(found.ok && found.value.invalid).toEqual([]);
    expect(opened.ok && opened.value.checkpoint.size).toBe(1_432_088_532);
  });

  it('refuses the cosignature over a changed checkpoint', () => {
    const clobbered = ARCHE_TEXT.replace('1432088532', '42');

    expect(
      verifyCosignature(clobbered, REMORA_LINE, parseCosignerVerifierKey(REMORA_VKEY)),
    ).toEqual({ ok: false, error: 'the cosignature does not verify' });
  });

  it('opens with the witness key through openNote, as Go opens it with a cosignature verifier', () => {
    const opened = openNote(ARCHE_NOTE, [parseCosignerVerifierKey(REMORA_VKEY)]);

    expect(opened.ok && opened.value.signatures.map((s) => s.name)).toEqual(['remora.n621.de']);
  });
});

describe(cosignatureKeyId.name, () => {
  it('is SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4], unlike the 0x01 note key ID', () => {
    const raw = Buffer.from(witness.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const expected = createHash('sha256')
      .update(WITNESS)
      .update(Buffer.from([0x0a, 0x04]))
      .update(raw)
      .digest()
      .readUInt32BE(0);

    expect(cosignatureKeyId(WITNESS, witness.publicKey)).toBe(expected);
    expect(cosignatureKeyId(WITNESS, witness.privateKey)).toBe(expected);
    expect(cosignatureKeyId(WITNESS, raw)).toBe(expected);
    expect(ed25519KeyId(WITNESS, raw)).not.toBe(expected);
  });

  it('refuses a name with a space and a key that is not Ed25519', () => {
    const { publicKey: p256 } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

    expect(() => cosignatureKeyId('a b', witness.publicKey)).toThrow(TypeError);
    expect(() => cosignatureKeyId(WITNESS, p256)).toThrow('not an Ed25519 key');
  });
});

describe('cosigner verifier keys', () => {
  it('round-trips <name>+<id>+<base64(0x04 ‖ key)>', () => {
    const vkey = formatCosignerVerifierKey(WITNESS, witness.publicKey);
    const raw = Buffer.from(witness.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const id = cosignatureKeyId(WITNESS, raw).toString(16).padStart(8, '0');
    const parsed = parseCosignerVerifierKey(vkey);

    expect(vkey).toBe(
      `${WITNESS}+${id}+${Buffer.concat([Buffer.from([0x04]), raw]).toString('base64')}`,
    );
    expect(parsed.keyId).toBe(witnessVerifier.keyId);
    expect(verifyCosignature(TEXT, cosignCheckpoint(TEXT, cosigner, T), parsed)).toEqual({
      ok: true,
      time: T,
    });
  });

  it.each([
    [
      'a plain note key (type 0x01), which Go would convert',
      'TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6',
      'not an Ed25519 cosignature (type 0x04) key',
    ],
    [
      'a wrong key ID',
      'remora.n621.de+da77ade8+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2',
      'does not match',
    ],
    [
      'a key ID that is not hex',
      'remora.n621.de+NOT_A_NUMBER+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2',
      '8 hex digits',
    ],
    ['too few parts', 'bananas.sigstore.dev+12344556', 'must be <name>+<hex key ID>+<base64 key>'],
    [
      'invalid base64',
      'rekor.sigstore.dev+12345678+THIS_IS_NOT_BASE64!',
      'not an Ed25519 cosignature',
    ],
    ['a short key', 'w+12345678+BAEB', 'not an Ed25519 cosignature'],
    ['an empty name', '+12345678+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2', 'invalid key name'],
  ])('refuses %s', (_what, vkey, message) => {
    expect(() => parseCosignerVerifierKey(vkey)).toThrow(message);
  });
});

describe(cosignCheckpoint.name, () => {
  it('signs cosignature/v1, time, then the checkpoint text; the payload is key ID ‖ time ‖ signature', () => {
    const line = cosignCheckpoint(TEXT, cosigner, T);
    const payload = payloadOf(line);
    const message = Buffer.from(`cosignature/v1\ntime ${T}\n${TEXT}`, 'utf8');

    expect(line.startsWith(`— ${WITNESS} `)).toBe(true);
    expect(line).not.toContain('\n');
    expect(payload).toHaveLength(4 + 8 + 64);
    expect(payload.readUInt32BE(0)).toBe(witnessVerifier.keyId);
    expect(payload.readBigUInt64BE(4)).toBe(BigInt(T));
    expect(cosignatureMessage(TEXT, T)).toEqual(message);
    expect(verify(null, message, witness.publicKey, payload.subarray(12))).toBe(true);
  });

  it('is deterministic (Ed25519) for one time, and differs for another', () => {
    expect(cosignCheckpoint(TEXT, cosigner, T)).toBe(cosignCheckpoint(TEXT, cosigner, T));
    expect(cosignCheckpoint(TEXT, cosigner, T + 1)).not.toBe(cosignCheckpoint(TEXT, cosigner, T));
  });

  it('covers extension lines', () => {
    const extended = formatCheckpoint({
      origin: ORIGIN,
      size: 7,
      root: Buffer.alloc(32, 1),
      extensions: ['extension'],
    });
    const line = cosignCheckpoint(extended, cosigner, T);

    expect(verifyCosignature(extended, line, witnessVerifier).ok).toBe(true);
    expect(
      verifyCosignature(extended.replace('extension', 'extensioN'), line, witnessVerifier),
    ).toEqual({ ok: false, error: 'the cosignature does not verify' });
  });

  it.each<[string, () => unknown, string]>([
    [
      'a whole note instead of the checkpoint text',
      () => cosignCheckpoint(NOTE, cosigner, T),
      'not a checkpoint',
    ],
    ['a negative time', () => cosignCheckpoint(TEXT, cosigner, -1), 'non-negative safe integer'],
    ['a fractional time', () => cosignCheckpoint(TEXT, cosigner, 1.5), 'non-negative safe integer'],
    [
      'a public key',
      () => cosignCheckpoint(TEXT, { name: WITNESS, privateKey: witness.publicKey }, T),
      'private key',
    ],
    [
      'a name with a space',
      () => cosignCheckpoint(TEXT, { name: 'a b', privateKey: witness.privateKey }, T),
      'invalid key name',
    ],
  ])('refuses %s', (_what, call, message) => {
    expect(call).toThrow(message);
  });
});

describe(verifyCosignature.name, () => {
  const line = cosignCheckpoint(TEXT, cosigner, T);

  it('returns the time of a valid cosignature', () => {
    expect(verifyCosignature(TEXT, line, witnessVerifier)).toEqual({ ok: true, time: T });
  });

  it('refuses a cosignature by another key under the same name', () => {
    const impostor = cosignCheckpoint(TEXT, { name: WITNESS, privateKey: other.privateKey }, T);

    expect(verifyCosignature(TEXT, impostor, witnessVerifier)).toMatchObject({
      ok: false,
      error: expect.stringContaining('not mekong-referral-hub/witness/TH+'),
    });
  });

  it('refuses a line under another name with the same key', () => {
    const renamed = cosignCheckpoint(
      TEXT,
      { name: 'someone-else', privateKey: witness.privateKey },
      T,
    );

    expect(verifyCosignature(TEXT, renamed, witnessVerifier).ok).toBe(false);
  });

  it('refuses a changed timestamp (the time is signed)', () => {
    const payload = payloadOf(line);
    payload.writeBigUInt64BE(BigInt(T + 1), 4);

    expect(verifyCosignature(TEXT, lineWith(WITNESS, payload), witnessVerifier)).toEqual({
      ok: false,
      error: 'the cosignature does not verify',
    });
  });

  it('refuses a timestamp above 2^63 - 1', () => {
    const payload = payloadOf(line);
    payload.writeBigUInt64BE(1n << 63n, 4);

    expect(verifyCosignature(TEXT, lineWith(WITNESS, payload), witnessVerifier)).toEqual({
      ok: false,
      error: 'cosignature timestamp is above 2^63 - 1',
    });
  });

  it('refuses a plain note signature by the same key (no timestamp)', () => {
    const plain = signNote(TEXT, cosigner).split('\n').at(-2) ?? '';
    const payload = payloadOf(plain);
    payload.writeUInt32BE(witnessVerifier.keyId, 0);

    expect(verifyCosignature(TEXT, lineWith(WITNESS, payload), witnessVerifier)).toEqual({
      ok: false,
      error: 'a cosignature/v1 signature is 72 bytes, got 64',
    });
  });

  it.each([
    ['a line with its newline', `${line}\n`],
    ['a line without the em dash', line.replace('—', '-')],
    // 76 bytes end in one byte of base64 (`x?==`): setting a padding bit of `?` changes no byte.
    ['base64 that is not canonical', `${line.slice(0, -3)}${withPaddingBit(line.at(-3) ?? '')}==`],
  ])('refuses %s', (_what, bad) => {
    expect(verifyCosignature(TEXT, bad, witnessVerifier).ok).toBe(false);
  });

  it('lets openNote open a cosigned note with the cosigner verifier alone', () => {
    const note = addSignatureLines(NOTE, [line]);

    expect(openNote(note, [witnessVerifier])).toMatchObject({
      ok: true,
      value: { text: TEXT, signatures: [{ name: WITNESS, keyId: witnessVerifier.keyId }] },
    });
  });
});

describe(addSignatureLines.name, () => {
  const line = cosignCheckpoint(TEXT, cosigner, T);
  const otherLine = cosignCheckpoint(TEXT, { name: 'w2', privateKey: other.privateKey }, T);

  it('appends the lines after the log’s signature; the log key still opens the note', () => {
    const note = addSignatureLines(NOTE, [line, otherLine]);
    const opened = openCheckpoint(
      note,
      [parseVerifierKey(formatVerifierKey(ORIGIN, log.publicKey))],
      ORIGIN,
    );

    expect(note).toBe(`${NOTE}${line}\n${otherLine}\n`);
    expect(opened.ok && opened.value.checkpoint.size).toBe(7);
    expect(opened.ok && opened.value.unverified.map((s) => s.name)).toEqual([WITNESS, 'w2']);
  });

  it('adds a line once, whether repeated in the call or already in the note', () => {
    const once = addSignatureLines(NOTE, [line, line]);

    expect(once).toBe(`${NOTE}${line}\n`);
    expect(addSignatureLines(once, [line, otherLine])).toBe(`${NOTE}${line}\n${otherLine}\n`);
  });

  it('keeps two cosignatures by one key at different times', () => {
    const later = cosignCheckpoint(TEXT, cosigner, T + 60);

    expect(addSignatureLines(NOTE, [line, later])).toBe(`${NOTE}${line}\n${later}\n`);
  });

  it.each<[string, () => unknown, string]>([
    [
      'a line that is no signature line',
      () => addSignatureLines(NOTE, ['hello']),
      'not a signature line',
    ],
    [
      'a line with a newline in it',
      () => addSignatureLines(NOTE, [`${line}\n${otherLine}`]),
      'not a signature line',
    ],
    ['a note without signatures', () => addSignatureLines(TEXT, [line]), 'malformed note'],
    [
      'more than 100 signatures',
      () =>
        addSignatureLines(
          NOTE,
          Array.from({ length: 100 }, (_, i) => cosignCheckpoint(TEXT, cosigner, T + i)),
        ),
      'at most 100 signatures',
    ],
  ])('refuses %s', (_what, call, message) => {
    expect(call).toThrow(message);
  });
});

describe(findCosignatures.name, () => {
  const line = cosignCheckpoint(TEXT, cosigner, T);
  const w2 = createCosignatureVerifier('w2', other.publicKey);

  it('sorts the lines of known cosigners into valid and invalid, ignoring the rest', () => {
    const forged = cosignCheckpoint(TEXT, { name: 'w2', privateKey: witness.privateKey }, T);
    const payload = payloadOf(forged);
    payload.writeUInt32BE(w2.keyId, 0);
    const forgedLine = lineWith('w2', payload);
    const stranger = cosignCheckpoint(TEXT, { name: 'w3', privateKey: other.privateKey }, T);
    const note = addSignatureLines(NOTE, [line, forgedLine, stranger, line]);

    const found = findCosignatures(note, [witnessVerifier, w2]);

    expect(found).toEqual({
      ok: true,
      value: {
        text: TEXT,
        valid: [{ verifier: witnessVerifier, line, time: T }],
        invalid: [{ verifier: w2, line: forgedLine, error: 'the cosignature does not verify' }],
      },
    });
  });

  it('finds nothing in a note the log alone signed', () => {
    expect(findCosignatures(NOTE, [witnessVerifier])).toEqual({
      ok: true,
      value: { text: TEXT, valid: [], invalid: [] },
    });
  });

  it('refuses a malformed note', () => {
    expect(findCosignatures(`${NOTE}garbage\n`, [witnessVerifier])).toEqual({
      ok: false,
      error: 'malformed note: bad signature line',
    });
    expect(findCosignatures(TEXT, [witnessVerifier]).ok).toBe(false);
  });
});

function withPaddingBit(char: string): string {
  return BASE64_ALPHABET[BASE64_ALPHABET.indexOf(char) | 1] ?? '';
}
