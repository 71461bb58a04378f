import { generateKeyPairSync } from 'node:crypto';
import { formatCheckpoint, openCheckpoint, parseCheckpoint } from './checkpoint';
import { MerkleTree } from './merkle-tree';
import { createEd25519Verifier, signNote } from './signed-note';

const ORIGIN = 'hub.example.la/audit';
const logKey = generateKeyPairSync('ed25519');
const otherKey = generateKeyPairSync('ed25519');
const verifier = createEd25519Verifier(ORIGIN, logKey.publicKey);
const signer = { name: ORIGIN, privateKey: logKey.privateKey };

const tree = new MerkleTree();
for (let i = 0; i < 20; i++) tree.append(Buffer.from(`{"seq":${i}}`));
const root = tree.root();

describe(formatCheckpoint.name, () => {
  it('formats origin, decimal size and base64 root, one per line', () => {
    expect(formatCheckpoint({ origin: ORIGIN, size: 20, root })).toBe(
      `${ORIGIN}\n20\n${root.toString('base64')}\n`,
    );
    expect(formatCheckpoint({ origin: ORIGIN, size: 0, root, extensions: ['x: 1'] })).toBe(
      `${ORIGIN}\n0\n${root.toString('base64')}\nx: 1\n`,
    );
  });

  it('matches the shape of the spec example', () => {
    const exampleRoot = Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64');
    expect(
      formatCheckpoint({
        origin: 'example.com/behind-the-sofa',
        size: 20852163,
        root: exampleRoot,
      }),
    ).toBe('example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n');
  });

  it.each([
    ['empty origin', { origin: '', size: 1, root }],
    ['multi-line origin', { origin: 'a\nb', size: 1, root }],
    ['control character', { origin: 'a\tb', size: 1, root }],
    ['negative size', { origin: ORIGIN, size: -1, root }],
    ['fractional size', { origin: ORIGIN, size: 1.5, root }],
    ['unsafe size', { origin: ORIGIN, size: 2 ** 53, root }],
    ['short root', { origin: ORIGIN, size: 1, root: root.subarray(1) }],
    ['empty extension', { origin: ORIGIN, size: 1, root, extensions: [''] }],
    ['multi-line extension', { origin: ORIGIN, size: 1, root, extensions: ['a\n'] }],
  ])('refuses %s', (_, checkpoint) => {
    expect(() => formatCheckpoint(checkpoint)).toThrow();
  });
});

describe(parseCheckpoint.name, () => {
  it('round-trips formatCheckpoint', () => {
    const text = formatCheckpoint({ origin: ORIGIN, size: 20, root, extensions: ['a', 'b c'] });
    expect(parseCheckpoint(text)).toEqual({
      ok: true,
      value: { origin: ORIGIN, size: 20, root, extensions: ['a', 'b c'] },
    });
  });

  const b64 = root.toString('base64');
  it.each([
    ['no final newline', `${ORIGIN}\n20\n${b64}`],
    ['two lines', `${ORIGIN}\n20\n`],
    ['empty origin', `\n20\n${b64}\n`],
    ['empty extension line', `${ORIGIN}\n20\n${b64}\n\n`],
    ['leading zero', `${ORIGIN}\n020\n${b64}\n`],
    ['sign', `${ORIGIN}\n+20\n${b64}\n`],
    ['hex size', `${ORIGIN}\n0x14\n${b64}\n`],
    ['size beyond 2^53', `${ORIGIN}\n9007199254740993\n${b64}\n`],
    ['root of 31 bytes', `${ORIGIN}\n20\n${root.subarray(1).toString('base64')}\n`],
    ['unpadded root', `${ORIGIN}\n20\n${b64.replace(/=$/, '')}\n`],
    ['base64url root', `${ORIGIN}\n20\n${root.toString('base64url')}=\n`],
    ['carriage return', `${ORIGIN}\r\n20\n${b64}\n`],
  ])('refuses %s', (_, text) => {
    expect(parseCheckpoint(text).ok).toBe(false);
  });
});

describe(openCheckpoint.name, () => {
  const body = formatCheckpoint({ origin: ORIGIN, size: tree.size, root });
  const note = signNote(body, signer);

  it('format → sign → open round-trips', () => {
    const opened = openCheckpoint(note, [verifier], ORIGIN);
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.value.checkpoint).toEqual({ origin: ORIGIN, size: 20, root, extensions: [] });
    expect(opened.value.text).toBe(body);
    expect(opened.value.signatures.map((s) => [s.name, s.keyId])).toEqual([
      [ORIGIN, verifier.keyId],
    ]);
  });

  const lines = note.split('\n');
  const replaceLine = (index: number, value: string): string =>
    lines.map((line, i) => (i === index ? value : line)).join('\n');
  const otherRoot = tree.root(19).toString('base64');

  it.each([
    ['changed size', replaceLine(1, '21')],
    ['changed root', replaceLine(2, otherRoot)],
    ['changed origin', replaceLine(0, 'evil.example/audit')],
    [
      'added extension line',
      note.replace(`${root.toString('base64')}\n`, `${root.toString('base64')}\nx\n`),
    ],
  ])('refuses a note with a %s', (_, tampered) => {
    expect(tampered).not.toBe(note);
    expect(openCheckpoint(tampered, [verifier], ORIGIN).ok).toBe(false);
  });

  it('refuses a checkpoint signed by another key, even under the same name', () => {
    const forged = signNote(body, { name: ORIGIN, privateKey: otherKey.privateKey });
    expect(openCheckpoint(forged, [verifier], ORIGIN)).toEqual({
      ok: false,
      error: 'note has no verifiable signatures',
    });
  });

  it('refuses a validly signed checkpoint of another log', () => {
    const other = signNote(
      formatCheckpoint({ origin: 'hub.example.la/other', size: 1, root }),
      signer,
    );
    const opened = openCheckpoint(other, [verifier], ORIGIN);
    expect(opened.ok).toBe(false);
  });

  it('refuses a signed note whose text is not a checkpoint', () => {
    expect(openCheckpoint(signNote('hello\n', signer), [verifier], ORIGIN).ok).toBe(false);
  });

  it('keeps witness cosignatures as unverified', () => {
    const witness = generateKeyPairSync('ed25519');
    const cosigned = signNote(body, [
      signer,
      { name: 'witness.example', privateKey: witness.privateKey },
    ]);
    const opened = openCheckpoint(cosigned, [verifier], ORIGIN);
    expect(opened.ok && opened.value.unverified.map((s) => s.name)).toEqual(['witness.example']);
  });
});
