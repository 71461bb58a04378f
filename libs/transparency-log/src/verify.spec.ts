import { emptyRoot, hashLeaf } from './hashing';
import { MerkleTree } from './merkle-tree';
import { verifyConsistency, verifyInclusion } from './verify';

// MerkleTree itself is checked against published vectors and a naive reference in
// merkle-tree.spec.ts; here it only produces proofs for the verifiers.

const MAX_SIZE = 300;
/** Sizes up to which every proof also gets every corruption probe; above, a sample does. */
const EXHAUSTIVE_PROBES = 32;

const h = (hex: string): Buffer => Buffer.from(hex, 'hex');
const EMPTY = emptyRoot();
const SOME_HASH = h('abacaba000000000000000000000000000000000000000000060061e00123456');

const tree = new MerkleTree();
for (let i = 0; i < MAX_SIZE; i++) tree.append(Buffer.from(`entry ${i}`));
const roots = Array.from({ length: MAX_SIZE + 1 }, (_, size) => tree.root(size));
const rootOf = (size: number): Buffer => roots[size] ?? SOME_HASH;

/** mulberry32: deterministic sampling, so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function flipBit(node: Uint8Array, bit = 3): Buffer {
  const copy = Buffer.from(node);
  copy[0] = (copy[0] ?? 0) ^ (1 << bit);
  return copy;
}

interface InclusionProbe {
  desc: string;
  leafHash: Uint8Array;
  index: number;
  size: number;
  proof: Uint8Array[];
  root: Uint8Array;
}

/** Ways to get an inclusion proof wrong, after transparency-dev/merkle's verifier tests. */
function inclusionProbes(index: number, size: number): InclusionProbe[] {
  const leafHash = tree.leafHash(index);
  const proof = tree.inclusionProof(index, size);
  const root = rootOf(size);
  const base = { leafHash, index, size, proof, root };
  const probes: InclusionProbe[] = [
    { ...base, desc: 'index - 1', index: index - 1 },
    { ...base, desc: 'index + 1', index: index + 1 },
    { ...base, desc: 'index ^ 2', index: index ^ 2 },
    { ...base, desc: 'index = size', index: size },
    { ...base, desc: 'size * 2', size: size * 2 },
    { ...base, desc: 'size / 2', size: Math.floor(size / 2) },
    // An old proof presented against a later or earlier tree head.
    { ...base, desc: 'size + 1 (with its root)', size: size + 1, root: rootOf(size + 1) },
    { ...base, desc: 'size - 1 (with its root)', size: size - 1, root: rootOf(size - 1) },
    { ...base, desc: 'wrong leaf', leafHash: hashLeaf(Buffer.from('WrongLeaf')) },
    { ...base, desc: 'leaf hash, not 32 bytes', leafHash: Buffer.from('WrongLeaf') },
    { ...base, desc: 'empty root', root: EMPTY },
    { ...base, desc: 'random root', root: SOME_HASH },
    { ...base, desc: 'root not 32 bytes', root: Buffer.concat([root, Buffer.alloc(1)]) },
    { ...base, desc: 'trailing garbage', proof: [...proof, Buffer.alloc(0)] },
    { ...base, desc: 'trailing root', proof: [...proof, root] },
    { ...base, desc: 'trailing zero hash', proof: [...proof, Buffer.alloc(32)] },
    { ...base, desc: 'preceding garbage', proof: [Buffer.alloc(0), ...proof] },
    { ...base, desc: 'preceding root', proof: [root, ...proof] },
  ];
  proof.forEach((_, i) => {
    const flipped = proof.map((node, j) => (j === i ? flipBit(node) : node));
    probes.push({ ...base, desc: `proof[${i}] bit flipped`, proof: flipped });
    probes.push({ ...base, desc: `proof[${i}] removed`, proof: proof.filter((_, j) => j !== i) });
    const short = proof.map((node, j) => (j === i ? node.subarray(0, 31) : node));
    probes.push({ ...base, desc: `proof[${i}] 31 bytes`, proof: short });
  });
  if (proof.length > 1) {
    const [first, ...rest] = proof;
    if (first) probes.push({ ...base, desc: 'inserted', proof: [first, SOME_HASH, ...rest] });
  }
  return probes;
}

interface ConsistencyProbe {
  desc: string;
  size1: number;
  size2: number;
  root1: Uint8Array;
  root2: Uint8Array;
  proof: Uint8Array[];
}

/** Ways to get a consistency proof wrong, after transparency-dev/merkle's verifier tests. */
function consistencyProbes(size1: number, size2: number): ConsistencyProbe[] {
  const proof = tree.consistencyProof(size1, size2);
  const root1 = rootOf(size1);
  const root2 = rootOf(size2);
  const base = { size1, size2, root1, root2, proof };
  const [first] = proof;
  const probes: ConsistencyProbe[] = [
    { ...base, desc: 'size1 - 1', size1: size1 - 1 },
    { ...base, desc: 'size1 + 1', size1: size1 + 1 },
    { ...base, desc: 'size1 ^ 2', size1: size1 ^ 2 },
    { ...base, desc: 'size1 = 0', size1: 0 },
    { ...base, desc: 'size2 * 2', size2: size2 * 2 },
    { ...base, desc: 'size2 / 2', size2: Math.floor(size2 / 2) },
    { ...base, desc: 'size1 > size2', size1: size2, size2: size1 },
    { ...base, desc: 'size2 + 1 (with its root)', size2: size2 + 1, root2: rootOf(size2 + 1) },
    { ...base, desc: 'size1 - 1 (with its root)', size1: size1 - 1, root1: rootOf(size1 - 1) },
    { ...base, desc: 'wrong root1', root1: SOME_HASH },
    { ...base, desc: 'wrong root2', root2: SOME_HASH },
    { ...base, desc: 'swapped roots', root1: root2, root2: root1 },
    { ...base, desc: 'root1 not 32 bytes', root1: Buffer.from('WrongRoot') },
    { ...base, desc: 'empty proof', proof: [] },
    { ...base, desc: 'trailing garbage', proof: [...proof, Buffer.alloc(0)] },
    { ...base, desc: 'trailing root1', proof: [...proof, root1] },
    { ...base, desc: 'trailing root2', proof: [...proof, root2] },
    { ...base, desc: 'preceding garbage', proof: [Buffer.alloc(0), ...proof] },
    { ...base, desc: 'preceding root1', proof: [root1, ...proof] },
    { ...base, desc: 'preceding root2', proof: [root2, ...proof] },
    { ...base, desc: 'truncated', proof: proof.slice(0, -1) },
  ];
  if (first) probes.push({ ...base, desc: 'preceding proof[0]', proof: [first, ...proof] });
  proof.forEach((_, i) => {
    const flipped = proof.map((node, j) => (j === i ? flipBit(node, 4) : node));
    probes.push({ ...base, desc: `proof[${i}] bit flipped`, proof: flipped });
    probes.push({ ...base, desc: `proof[${i}] removed`, proof: proof.filter((_, j) => j !== i) });
    const long = proof.map((node, j) => (j === i ? Buffer.concat([node, Buffer.alloc(1)]) : node));
    probes.push({ ...base, desc: `proof[${i}] 33 bytes`, proof: long });
  });
  if (proof.length > 1 && first) {
    probes.push({ ...base, desc: 'inserted', proof: [first, SOME_HASH, ...proof.slice(1)] });
  }
  return probes;
}

const acceptedInclusion = (probes: InclusionProbe[], at: string): string[] =>
  probes
    .filter((p) => verifyInclusion(p.leafHash, p.index, p.size, p.proof, p.root))
    .map((p) => `${at}: ${p.desc}`);

const acceptedConsistency = (probes: ConsistencyProbe[], at: string): string[] =>
  probes
    .filter((p) => verifyConsistency(p.size1, p.size2, p.root1, p.root2, p.proof))
    .map((p) => `${at}: ${p.desc}`);

describe(verifyInclusion.name, () => {
  it('accepts the published vectors (transparency-dev/merkle)', () => {
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657'].map(h);
    const root8 = h('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
    const root5 = h('4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4');
    const root3 = h('aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77');
    const leaf = (i: number): Buffer => hashLeaf(leaves[i] ?? Buffer.alloc(0));
    const proof0of8 = [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ].map(h);
    const proof5of8 = [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ].map(h);
    const proof2of3 = [h('fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125')];
    const proof1of5 = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ].map(h);
    expect(verifyInclusion(leaf(0), 0, 8, proof0of8, root8)).toBe(true);
    expect(verifyInclusion(leaf(5), 5, 8, proof5of8, root8)).toBe(true);
    expect(verifyInclusion(leaf(2), 2, 3, proof2of3, root3)).toBe(true);
    expect(verifyInclusion(leaf(1), 1, 5, proof1of5, root5)).toBe(true);
    expect(verifyInclusion(leaf(1), 1, 5, proof1of5, root8)).toBe(false);
  });

  it('accepts the single-leaf tree only with an empty proof and 32-byte hashes', () => {
    const leaf = hashLeaf(Buffer.from('data'));
    expect(verifyInclusion(leaf, 0, 1, [], leaf)).toBe(true);
    expect(verifyInclusion(leaf, 0, 1, [leaf], leaf)).toBe(false);
    expect(verifyInclusion(leaf, 0, 1, [], Buffer.alloc(0))).toBe(false);
    expect(verifyInclusion(Buffer.alloc(0), 0, 1, [], leaf)).toBe(false);
    expect(verifyInclusion(Buffer.alloc(0), 0, 1, [], Buffer.alloc(0))).toBe(false);
  });

  it('refuses a path longer than the tree is high, even when it hashes to the root', () => {
    // Leaf 4's path in the 8-leaf tree ends with the left half's root A, so hashing it as if leaf
    // 4 were leaf 0 of a 4-leaf tree gives HASH(A, B) = the 8-leaf root: only RFC 9162 step 4a
    // (sn = 0 with nodes left) stops this.
    const proof = tree.inclusionProof(4, 8);
    expect(verifyInclusion(tree.leafHash(4), 4, 8, proof, rootOf(8))).toBe(true);
    expect(verifyInclusion(tree.leafHash(4), 0, 4, proof, rootOf(8))).toBe(false);
  });

  it.each([
    [0, 0],
    [1, 0],
    [2, 1],
    [1, 1],
    [-1, 4],
    [0.5, 4],
    [0, Number.MAX_SAFE_INTEGER + 1],
    [0, Number.NaN],
  ])('refuses index %d in a tree of size %d', (index, size) => {
    for (const root of [EMPTY, SOME_HASH]) {
      expect(verifyInclusion(SOME_HASH, index, size, [], root)).toBe(false);
    }
  });

  it(`accepts every proof of every leaf for sizes 1..${MAX_SIZE}`, () => {
    const refused: string[] = [];
    for (let size = 1; size <= MAX_SIZE; size++) {
      const root = rootOf(size);
      for (let index = 0; index < size; index++) {
        const proof = tree.inclusionProof(index, size);
        if (!verifyInclusion(tree.leafHash(index), index, size, proof, root)) {
          refused.push(`${index}/${size}`);
        }
      }
    }
    expect(refused).toEqual([]);
  });

  it(`refuses every corrupted proof up to size ${EXHAUSTIVE_PROBES}, and sampled ones beyond`, () => {
    const accepted: string[] = [];
    for (let size = 1; size <= EXHAUSTIVE_PROBES; size++) {
      for (let index = 0; index < size; index++) {
        accepted.push(...acceptedInclusion(inclusionProbes(index, size), `${index}/${size}`));
      }
    }
    const next = random(1);
    for (let i = 0; i < 400; i++) {
      const size = EXHAUSTIVE_PROBES + 1 + Math.floor(next() * (MAX_SIZE - EXHAUSTIVE_PROBES - 1));
      const index = Math.floor(next() * size);
      accepted.push(...acceptedInclusion(inclusionProbes(index, size), `${index}/${size}`));
    }
    expect(accepted).toEqual([]);
  });
});

describe(verifyConsistency.name, () => {
  const dontCare1 = hashLeaf(Buffer.from("don't care 1"));
  const dontCare2 = hashLeaf(Buffer.from("don't care 2"));

  it.each([
    // [size1, size2, root1, root2, proof, accepted]
    [0, 0, EMPTY, EMPTY, [], true],
    [0, 1, EMPTY, dontCare2, [], true],
    [1, 1, dontCare2, dontCare2, [], true],
    [0, 0, dontCare1, dontCare1, [], false], // not the empty tree's root
    [0, 1, dontCare1, dontCare2, [], false], // ditto: transparency-dev accepts, this is stricter
    [0, 0, dontCare1, dontCare2, [], false],
    [1, 1, dontCare1, dontCare2, [], false],
    [1, 0, dontCare1, dontCare2, [], false], // time travel to the past
    [2, 1, dontCare1, dontCare2, [], false],
    [1, 2, dontCare1, dontCare2, [], false], // empty proof
    [0, 0, EMPTY, dontCare2, [], false],
    [1, 1, EMPTY, dontCare2, [], false],
    [0, 0, EMPTY, EMPTY, [EMPTY], false], // roots match but the proof is not empty
    [0, 1, EMPTY, EMPTY, [EMPTY], false],
    [1, 1, EMPTY, EMPTY, [EMPTY], false],
    [1, 1, Buffer.from('x'), Buffer.from('x'), [], false], // not 32 bytes
    [-1, 1, EMPTY, EMPTY, [], false],
    [1, 2.5, EMPTY, EMPTY, [EMPTY], false],
  ] as [number, number, Buffer, Buffer, Buffer[], boolean][])(
    'size %d → %d (case %#)',
    (size1, size2, root1, root2, proof, accepted) => {
      expect(verifyConsistency(size1, size2, root1, root2, proof)).toBe(accepted);
    },
  );

  it('accepts the published vectors (transparency-dev/merkle)', () => {
    const roots8 = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ].map(h);
    const r = (size: number): Buffer => roots8[size - 1] ?? SOME_HASH;
    const vectors: [number, number, string[]][] = [
      [1, 1, []],
      [
        1,
        8,
        [
          '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
          '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
          '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
        ],
      ],
      [
        6,
        8,
        [
          '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
          'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
          'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
        ],
      ],
      [
        2,
        5,
        [
          '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
          'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
        ],
      ],
      [
        6,
        7,
        [
          '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
          'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
          'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
        ],
      ],
    ];
    for (const [size1, size2, proof] of vectors) {
      expect(verifyConsistency(size1, size2, r(size1), r(size2), proof.map(h))).toBe(true);
      if (size1 !== size2) {
        expect(verifyConsistency(size1, size2, r(size1 - 1), r(size2), proof.map(h))).toBe(false);
      }
    }
  });

  it(`accepts every proof between every pair of sizes 0..${MAX_SIZE}`, () => {
    const refused: string[] = [];
    for (let size2 = 0; size2 <= MAX_SIZE; size2++) {
      for (let size1 = 0; size1 <= size2; size1++) {
        const proof = tree.consistencyProof(size1, size2);
        if (!verifyConsistency(size1, size2, rootOf(size1), rootOf(size2), proof)) {
          refused.push(`${size1}→${size2}`);
        }
      }
    }
    expect(refused).toEqual([]);
  });

  it(`refuses every corrupted proof up to size ${EXHAUSTIVE_PROBES}, and sampled ones beyond`, () => {
    const accepted: string[] = [];
    for (let size2 = 2; size2 <= EXHAUSTIVE_PROBES; size2++) {
      for (let size1 = 1; size1 < size2; size1++) {
        accepted.push(...acceptedConsistency(consistencyProbes(size1, size2), `${size1}→${size2}`));
      }
    }
    const next = random(2);
    for (let i = 0; i < 400; i++) {
      const size2 = EXHAUSTIVE_PROBES + 1 + Math.floor(next() * (MAX_SIZE - EXHAUSTIVE_PROBES));
      const size1 = 1 + Math.floor(next() * (size2 - 1));
      accepted.push(...acceptedConsistency(consistencyProbes(size1, size2), `${size1}→${size2}`));
    }
    expect(accepted).toEqual([]);
  });
});
