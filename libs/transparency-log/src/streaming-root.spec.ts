import { emptyRoot, hashLeaf } from './hashing';
import { MerkleTree } from './merkle-tree';
import { computeRoot, computeRootAsync, StreamingRoot } from './streaming-root';

describe(StreamingRoot.name, () => {
  it('equals the MerkleTree root at every size up to 1100', () => {
    const tree = new MerkleTree();
    const stream = new StreamingRoot();
    const mismatches: number[] = [];
    for (let size = 0; size <= 1100; size++) {
      if (!stream.root().equals(tree.root()) || stream.size !== tree.size) mismatches.push(size);
      const leaf = Buffer.from(`leaf ${size}`);
      tree.append(leaf);
      if (size % 2 === 0) stream.pushLeaf(leaf);
      else stream.pushLeafHash(hashLeaf(leaf));
    }
    expect(mismatches).toEqual([]);
  });

  it('matches the RFC 6962 root of the 8 test leaves', () => {
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657'];
    leaves.push('606162636465666768696a6b6c6d6e6f');
    const root = computeRoot(leaves.map((hex) => hashLeaf(Buffer.from(hex, 'hex'))));
    expect(root.toString('hex')).toBe(
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    );
  });

  it('streams from async iterables and handles the empty log', async () => {
    async function* hashes(count: number): AsyncGenerator<Buffer> {
      for (let i = 0; i < count; i++) {
        await Promise.resolve();
        yield hashLeaf(Buffer.from(`leaf ${i}`));
      }
    }
    const tree = new MerkleTree();
    for (let i = 0; i < 77; i++) tree.append(Buffer.from(`leaf ${i}`));
    await expect(computeRootAsync(hashes(77))).resolves.toEqual(tree.root());
    await expect(computeRootAsync(hashes(0))).resolves.toEqual(emptyRoot());
    expect(computeRoot([])).toEqual(emptyRoot());
  });

  it('copies pushed hashes and returned roots', () => {
    const stream = new StreamingRoot();
    const reused = hashLeaf(Buffer.from('a'));
    stream.pushLeafHash(reused);
    reused.fill(0); // a driver reusing its buffer must not change the result
    stream.root().fill(0);
    expect(stream.root()).toEqual(hashLeaf(Buffer.from('a')));
  });

  it('refuses leaf hashes that are not 32 bytes', () => {
    expect(() => new StreamingRoot().pushLeafHash(new Uint8Array(33))).toThrow(RangeError);
    expect(() => computeRoot([new Uint8Array(0)])).toThrow(RangeError);
  });
});
