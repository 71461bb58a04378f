import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  createEd25519Verifier,
  ed25519KeyId,
  formatVerifierKey,
  isValidKeyName,
  openNote,
  parseVerifierKey,
  signNote,
} from './signed-note';

/*
 * Vectors from golang.org/x/mod/sumdb/note (note_test.go), the signed-note reference
 * implementation. Ed25519 is deterministic, so signing the text with the same key must give the
 * published note byte for byte — which is what makes our notes readable by Go witnesses/tooling.
 */
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SEED = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(
  1,
);
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";
const PETER_SIG =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const peterPrivateKey = createPrivateKey({
  key: Buffer.concat([PKCS8_ED25519_PREFIX, PETER_SEED]),
  format: 'der',
  type: 'pkcs8',
});

const peter = parseVerifierKey(PETER_VKEY);
const enoch = parseVerifierKey(ENOCH_VKEY);

const corrupt = (sig: string): string => `${sig.slice(0, 60)}ABCD${sig.slice(60)}`;

describe(ed25519KeyId.name, () => {
  it('is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], big-endian', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const expected = createHash('sha256')
      .update('example.com/log')
      .update(Buffer.from([0x0a, 0x01]))
      .update(raw)
      .digest()
      .readUInt32BE(0);
    expect(ed25519KeyId('example.com/log', publicKey)).toBe(expected);
    expect(ed25519KeyId('example.com/log', raw)).toBe(expected);
  });

  it('matches the reference key ID', () => {
    expect(peter.keyId).toBe(0xc74f20a3);
    expect(ed25519KeyId('PeterNeumann', peterPrivateKey)).toBe(0xc74f20a3);
  });

  it('refuses invalid names and non-Ed25519 keys', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    for (const name of ['', 'a+b', 'a b', 'a\u00a0b', 'a\tb']) {
      expect(() => ed25519KeyId(name, publicKey)).toThrow(TypeError);
    }
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(() => ed25519KeyId('log', ec)).toThrow(TypeError);
    expect(() => ed25519KeyId('log', new Uint8Array(31))).toThrow(TypeError);
    expect(isValidKeyName('example.com/log')).toBe(true);
  });
});

describe(parseVerifierKey.name, () => {
  it('round-trips with formatVerifierKey', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const vkey = formatVerifierKey('hub.example/audit', publicKey);
    const verifier = parseVerifierKey(vkey);
    expect(verifier.name).toBe('hub.example/audit');
    expect(verifier.keyId).toBe(ed25519KeyId('hub.example/audit', publicKey));
    const note = signNote('hello\n', { name: 'hub.example/audit', privateKey });
    expect(openNote(note, [verifier]).ok).toBe(true);
    expect(formatVerifierKey('PeterNeumann', createPublicKey(peterPrivateKey))).toBe(PETER_VKEY);
  });

  it('refuses every substring and every one-byte change of a verifier key (as Go does)', () => {
    const accepted: string[] = [];
    const attempt = (candidate: string): void => {
      try {
        parseVerifierKey(candidate);
        accepted.push(candidate);
      } catch {
        // refused, as it should be
      }
    };
    for (let i = 0; i <= PETER_VKEY.length; i++) {
      for (let j = i + 1; j <= PETER_VKEY.length; j++) {
        if (i !== 0 || j !== PETER_VKEY.length) attempt(PETER_VKEY.slice(i, j));
      }
    }
    for (let i = 0; i < PETER_VKEY.length; i++) {
      const code = PETER_VKEY.charCodeAt(i) + 1;
      attempt(PETER_VKEY.slice(0, i) + String.fromCharCode(code) + PETER_VKEY.slice(i + 1));
    }
    attempt('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==');
    attempt('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
    expect(accepted).toEqual([]);
  });
});

describe(signNote.name, () => {
  it('reproduces the reference note byte for byte', () => {
    expect(signNote(TEXT, { name: 'PeterNeumann', privateKey: peterPrivateKey })).toBe(
      `${TEXT}\n${PETER_SIG}`,
    );
  });

  it('adds one line per signer, with an em dash', () => {
    const a = generateKeyPairSync('ed25519');
    const b = generateKeyPairSync('ed25519');
    const note = signNote('body\n', [
      { name: 'a.example/log', privateKey: a.privateKey },
      { name: 'b.example/witness', privateKey: b.privateKey },
    ]);
    const lines = note.split('\n');
    expect(lines.slice(0, 2)).toEqual(['body', '']);
    expect(lines[2]?.startsWith('\u2014 a.example/log ')).toBe(true);
    expect(lines[3]?.startsWith('\u2014 b.example/witness ')).toBe(true);
    const opened = openNote(note, [createEd25519Verifier('b.example/witness', b.publicKey)]);
    expect(opened.ok && opened.value.signatures.map((s) => s.name)).toEqual(['b.example/witness']);
  });

  it('refuses text that could not be opened again, bad names and unusable keys', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signer = { name: 'log', privateKey };
    for (const text of ['no newline', '', 'bell \u0007\n', 'cr\r\n', 'lone \ud800\n']) {
      expect(() => signNote(text, signer)).toThrow(TypeError);
    }
    expect(() => signNote('x\n', { name: 'a+b', privateKey })).toThrow(TypeError);
    expect(() => signNote('x\n', { name: 'log', privateKey: publicKey })).toThrow(TypeError);
    expect(() => signNote('x\n', [])).toThrow(TypeError);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() => signNote('x\n', { name: 'log', privateKey: ec })).toThrow(TypeError);
  });
});

describe(openNote.name, () => {
  it('opens the reference note, as string or bytes', () => {
    const note = `${TEXT}\n${PETER_SIG}`;
    for (const input of [note, Buffer.from(note, 'utf8')]) {
      const opened = openNote(input, [peter]);
      expect(opened).toEqual({
        ok: true,
        value: {
          text: TEXT,
          signatures: [{ name: 'PeterNeumann', keyId: 0xc74f20a3, base64: expect.any(String) }],
          unverified: [],
        },
      });
    }
  });

  it('verifies known keys and reports unknown ones', () => {
    const note = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    const one = openNote(note, [peter]);
    expect(one.ok && one.value.signatures.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(one.ok && one.value.unverified.map((s) => [s.name, s.keyId])).toEqual([
      ['EnochRoot', 0xaf0cfe78],
    ]);
    const both = openNote(note, [peter, enoch]);
    expect(both.ok && both.value.signatures.map((s) => s.name)).toEqual([
      'PeterNeumann',
      'EnochRoot',
    ]);
    expect(openNote(note, [])).toEqual({ ok: false, error: 'note has no verifiable signatures' });
  });

  it('refuses ambiguous verifiers only when a signature needs them', () => {
    expect(openNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch]).ok).toBe(false);
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [enoch, peter, enoch]).ok).toBe(true);
  });

  it('refuses the whole note when a known key signature fails, even next to a good one', () => {
    expect(openNote(`${TEXT}\n${corrupt(PETER_SIG)}`, [peter])).toEqual({
      ok: false,
      error: 'invalid signature for key PeterNeumann+c74f20a3',
    });
    expect(openNote(`${TEXT}\n${PETER_SIG}${corrupt(PETER_SIG)}`, [peter]).ok).toBe(false);
    expect(openNote(`${TEXT}\n${corrupt(PETER_SIG)}${PETER_SIG}`, [peter]).ok).toBe(false);
  });

  it('reports repeated signatures once', () => {
    const note = `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${corrupt(ENOCH_SIG)}`;
    const opened = openNote(note, [peter]);
    expect(opened.ok && opened.value.signatures).toHaveLength(1);
    expect(opened.ok && opened.value.unverified.map((s) => s.name)).toEqual([
      'EnochRoot',
      'EnochRoot',
    ]);
  });

  it('refuses changed text, another key, and a lookalike key', () => {
    expect(
      openNote(`${TEXT.replace('cryptography', 'cryptographY')}\n${PETER_SIG}`, [peter]).ok,
    ).toBe(false);
    const other = generateKeyPairSync('ed25519');
    // Same name, different key: its key ID differs, so Peter's line is from an unknown key.
    expect(
      openNote(`${TEXT}\n${PETER_SIG}`, [createEd25519Verifier('PeterNeumann', other.publicKey)])
        .ok,
    ).toBe(false);
    // A verifier claiming Peter's name and ID but holding another key must not verify.
    const impostor = {
      ...createEd25519Verifier('PeterNeumann', other.publicKey),
      keyId: 0xc74f20a3,
    };
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [impostor]).ok).toBe(false);
  });

  it.each([
    ['text only', TEXT],
    ['no signature lines', `${TEXT}\n`],
    ['unterminated signature line', `${TEXT}\n${PETER_SIG.slice(0, -1)}`],
    ['control character', `\u0001${TEXT}\n${PETER_SIG}`],
    ['carriage return', `${TEXT.replace('\n', '\r\n')}\n${PETER_SIG}`],
    [
      'bad name',
      `${TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
    ],
    ['unexpected line', `${TEXT}\n${PETER_SIG}Unexpected line.\n`],
    ['hyphens instead of em dash', `${TEXT}\n${PETER_SIG.replace('\u2014', '--')}`],
    ['non-canonical base64', `${TEXT}\n${PETER_SIG.replace('AM=', 'AN=')}`],
    ['base64url', `${TEXT}\n${PETER_SIG.replace(/\+/g, '-').replace(/\//g, '_')}`],
    ['too short signature', `${TEXT}\n\u2014 PeterNeumann x08go/Y=\n`],
    ['101 signatures', `${TEXT}\n${PETER_SIG.repeat(101)}`],
  ])('refuses a malformed note: %s', (_, note) => {
    expect(openNote(note, [peter]).ok).toBe(false);
  });

  it('accepts 100 signatures and text with blank lines (split at the last one)', () => {
    expect(openNote(`${TEXT}\n${PETER_SIG.repeat(100)}`, [peter]).ok).toBe(true);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const text = 'para 1\n\npara 2\n\n';
    const opened = openNote(signNote(text, { name: 'log', privateKey }), [
      createEd25519Verifier('log', publicKey),
    ]);
    expect(opened.ok && opened.value.text).toBe(text);
  });

  it('refuses bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from([0xff]), Buffer.from(`${TEXT}\n${PETER_SIG}`)]);
    expect(openNote(bytes, [peter])).toEqual({ ok: false, error: 'note is not valid UTF-8' });
  });
});
