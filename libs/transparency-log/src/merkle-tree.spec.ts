import { createHash } from 'node:crypto';
import { emptyRoot, hashChildren, hashLeaf } from './hashing';
import { MerkleTree } from './merkle-tree';

/** RFC 6962 test leaves and roots of sizes 0..8, from transparency-dev/merkle. */
const RFC6962_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => Buffer.from(hex, 'hex'));

const RFC6962_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/**
 * Published proofs for the tree of these leaves, from transparency-dev/merkle
 * proof/verify_test.go (leaf indices there are 1-based; here 0-based).
 */
const INCLUSION_VECTORS: { index: number; size: number; proof: string[] }[] = [
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    index: 2,
    size: 3,
    proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'],
  },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

const CONSISTENCY_VECTORS: { from: number; to: number; proof: string[] }[] = [
  { from: 1, to: 1, proof: [] },
  {
    from: 1,
    to: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    from: 6,
    to: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    from: 2,
    to: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    from: 6,
    to: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

/*
 * Naive reference: RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 transcribed literally as recursions
 * over the leaf hash list, with its own SHA-256 (createHash) so that it shares no code with the
 * implementation under test.
 */
const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
};
const refNode = (l: Uint8Array, r: Uint8Array): Buffer => sha256(Buffer.from([1]), l, r);
const refK = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
function refMth(d: readonly Buffer[]): Buffer {
  if (d.length === 0) return sha256();
  if (d.length === 1) return d[0] as Buffer;
  const k = refK(d.length);
  return refNode(refMth(d.slice(0, k)), refMth(d.slice(k)));
}
function refPath(m: number, d: readonly Buffer[]): Buffer[] {
  if (d.length <= 1) return [];
  const k = refK(d.length);
  return m < k
    ? [...refPath(m, d.slice(0, k)), refMth(d.slice(k))]
    : [...refPath(m - k, d.slice(k)), refMth(d.slice(0, k))];
}
function refSubproof(m: number, d: readonly Buffer[], b: boolean): Buffer[] {
  const n = d.length;
  if (m === n) return b ? [] : [refMth(d)];
  const k = refK(n);
  return m <= k
    ? [...refSubproof(m, d.slice(0, k), b), refMth(d.slice(k))]
    : [...refSubproof(m - k, d.slice(k), false), refMth(d.slice(0, k))];
}
function refProof(m: number, d: readonly Buffer[]): Buffer[] {
  return refSubproof(m, d, true);
}
const refLeaf = (leaf: Uint8Array): Buffer => sha256(Buffer.from([0]), leaf);

const hex = (hashes: readonly Uint8Array[]): string[] =>
  hashes.map((h) => Buffer.from(h).toString('hex'));

/** Deterministic pseudo-random leaves, so failures reproduce. */
function testLeaves(count: number, seed = 'leaf'): Buffer[] {
  return Array.from({ length: count }, (_, i) =>
    sha256(Buffer.from(`${seed}-${i}`)).subarray(0, 8 + (i % 24)),
  );
}

function treeOf(leaves: readonly Uint8Array[]): MerkleTree {
  const tree = new MerkleTree();
  for (const leaf of leaves) tree.append(leaf);
  return tree;
}

describe('hashing', () => {
  it('hashes leaves as SHA-256(0x00 ‖ leaf) and nodes as SHA-256(0x01 ‖ l ‖ r)', () => {
    const leaf = Buffer.from('audit entry');
    expect(hashLeaf(leaf)).toEqual(refLeaf(leaf));
    const [a, b] = [refLeaf(Buffer.from('a')), refLeaf(Buffer.from('b'))];
    expect(hashChildren(a, b)).toEqual(refNode(a, b));
    expect(hashLeaf(new Uint8Array(0)).toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });

  it('refuses node children that are not 32 bytes', () => {
    const h = hashLeaf(Buffer.from('x'));
    expect(() => hashChildren(h.subarray(1), h)).toThrow(RangeError);
    expect(() => hashChildren(h, Buffer.concat([h, h]))).toThrow(RangeError);
  });

  it('gives the empty tree root SHA-256("") as a fresh copy', () => {
    const root = emptyRoot();
    expect(root.toString('hex')).toBe(RFC6962_ROOTS[0]);
    root[0] = 0;
    expect(emptyRoot().toString('hex')).toBe(RFC6962_ROOTS[0]);
  });
});

describe(MerkleTree.name, () => {
  const tree = treeOf(RFC6962_LEAVES);

  it('matches the RFC 6962 root vectors for sizes 0..8, for earlier sizes too', () => {
    expect(RFC6962_ROOTS.map((_, size) => tree.root(size).toString('hex'))).toEqual(RFC6962_ROOTS);
    RFC6962_ROOTS.forEach((root, size) => {
      expect(treeOf(RFC6962_LEAVES.slice(0, size)).root().toString('hex')).toBe(root);
    });
  });

  it.each(INCLUSION_VECTORS)('matches the published inclusion proof ($index, $size)', (v) => {
    expect(hex(tree.inclusionProof(v.index, v.size))).toEqual(v.proof);
  });

  it.each(CONSISTENCY_VECTORS)('matches the published consistency proof ($from, $to)', (v) => {
    expect(hex(tree.consistencyProof(v.from, v.to))).toEqual(v.proof);
  });

  it('agrees with the naive reference on every root and proof up to 64 leaves', () => {
    const leaves = testLeaves(64);
    const big = treeOf(leaves);
    const leafHashes = leaves.map(refLeaf);
    // Collected and compared once: a Jest assertion per proof costs more than the hashing.
    const mismatches: string[] = [];
    const same = (a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean =>
      hex(a).join() === hex(b).join();
    for (let n = 0; n <= 64; n++) {
      const d = leafHashes.slice(0, n);
      if (!same([big.root(n)], [refMth(d)])) mismatches.push(`root ${n}`);
      for (let m = 0; m < n; m++) {
        if (!same(big.inclusionProof(m, n), refPath(m, d))) mismatches.push(`path ${m} ${n}`);
      }
      for (let m = 1; m < n; m++) {
        if (!same(big.consistencyProof(m, n), refProof(m, d))) mismatches.push(`proof ${m} ${n}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('agrees with the naive reference on sampled proofs in a 3000-leaf tree', () => {
    const leafHashes = testLeaves(3000, 'big').map(refLeaf);
    const big = new MerkleTree();
    for (const h of leafHashes) big.appendLeafHash(h);
    const sizes = [1, 2, 3, 1023, 1024, 1025, 2047, 2048, 2049, 2999, 3000];
    for (const n of sizes) {
      const d = leafHashes.slice(0, n);
      expect(big.root(n)).toEqual(refMth(d));
      for (const m of [0, 1, n >> 1, n - 2, n - 1].filter((i) => i >= 0 && i < n)) {
        expect(big.inclusionProof(m, n)).toEqual(refPath(m, d));
      }
      for (const m of [1, 2, 7, 8, 9, 1000, 1024, n - 1].filter((i) => i > 0 && i < n)) {
        expect(big.consistencyProof(m, n)).toEqual(refProof(m, d));
      }
    }
  });

  it('gives empty consistency proofs from size 0 and between equal sizes', () => {
    expect(tree.consistencyProof(0, 8)).toEqual([]);
    expect(tree.consistencyProof(0, 0)).toEqual([]);
    expect(tree.consistencyProof(5, 5)).toEqual([]);
    expect(tree.inclusionProof(0, 1)).toEqual([]);
  });

  it('appends leaf hashes and returns their indices', () => {
    const t = new MerkleTree();
    expect(t.size).toBe(0);
    expect(t.root()).toEqual(emptyRoot());
    expect(t.append(Buffer.from('a'))).toBe(0);
    expect(t.appendLeafHash(hashLeaf(Buffer.from('b')))).toBe(1);
    expect(t.size).toBe(2);
    expect(t.leafHash(1)).toEqual(hashLeaf(Buffer.from('b')));
    expect(() => t.appendLeafHash(new Uint8Array(31))).toThrow(RangeError);
  });

  it('hands out copies, so callers cannot corrupt the tree', () => {
    const t = treeOf(RFC6962_LEAVES);
    t.root().fill(0);
    t.leafHash(3).fill(0);
    for (const node of t.inclusionProof(2, 8)) node.fill(0);
    for (const node of t.consistencyProof(3, 8)) node.fill(0);
    const appended = hashLeaf(Buffer.from('x'));
    const u = new MerkleTree();
    u.appendLeafHash(appended);
    appended.fill(0);
    expect(u.root()).toEqual(hashLeaf(Buffer.from('x')));
    expect(t.root().toString('hex')).toBe(RFC6962_ROOTS[8]);
    expect(hex(t.inclusionProof(5, 8))).toEqual(INCLUSION_VECTORS[1]?.proof);
  });

  it('refuses sizes and indices outside the tree', () => {
    expect(() => tree.root(9)).toThrow(RangeError);
    expect(() => tree.root(-1)).toThrow(RangeError);
    expect(() => tree.root(1.5)).toThrow(RangeError);
    expect(() => tree.inclusionProof(8, 8)).toThrow(RangeError);
    expect(() => tree.inclusionProof(0, 0)).toThrow(RangeError);
    expect(() => tree.inclusionProof(0, 9)).toThrow(RangeError);
    expect(() => tree.inclusionProof(-1, 4)).toThrow(RangeError);
    expect(() => tree.consistencyProof(5, 4)).toThrow(RangeError);
    expect(() => tree.consistencyProof(1, 9)).toThrow(RangeError);
    expect(() => tree.leafHash(8)).toThrow(RangeError);
  });
});
