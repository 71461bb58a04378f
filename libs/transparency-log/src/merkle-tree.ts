import { emptyRoot, HASH_SIZE, hashLeaf, nodeHash, splitPoint } from './hashing';

/** Hashes a level buffer holds when first allocated; it doubles from there. */
const INITIAL_CAPACITY = 64;

/**
 * One level of the tree: the hashes of all complete subtrees of height `h`, left to right, packed
 * into one growable buffer. Packing keeps a 100k-leaf tree at ~6.4 MB with no per-hash object
 * overhead, and a slot is never rewritten once filled (the log is append-only), so views handed
 * out before a reallocation stay correct.
 */
class HashLevel {
  private buffer = Buffer.allocUnsafe(INITIAL_CAPACITY * HASH_SIZE);
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(value: Uint8Array): void {
    const offset = this.count * HASH_SIZE;
    if (offset + HASH_SIZE > this.buffer.length) {
      const grown = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(grown, 0, 0, offset);
      this.buffer = grown;
    }
    this.buffer.set(value, offset);
    this.count += 1;
  }

  /** A view, not a copy: internal use only (callers get copies). */
  at(index: number): Buffer {
    const offset = index * HASH_SIZE;
    return this.buffer.subarray(offset, offset + HASH_SIZE);
  }
}

/**
 * Append-only, in-memory RFC 6962 / RFC 9162 Merkle tree that can answer for any earlier size.
 *
 * It stores every leaf hash and the hash of every complete (perfect, aligned) subtree, about two
 * hashes per leaf. Because the log only grows, a complete subtree never changes, so one cache
 * serves every tree size: a root, an inclusion proof or a consistency proof for any size then
 * needs O(log n) cached look-ups plus at most O(log n) fresh hashes — the RFC recursion reaches at
 * most one incomplete subtree per proof — instead of rehashing all n leaves.
 *
 * Appending costs one leaf hash plus amortised one interior hash. Hashes returned are fresh copies;
 * mutating them cannot corrupt the tree.
 *
 * @example
 * ```ts
 * const tree = new MerkleTree();
 * for (const entry of entries) tree.append(Buffer.from(canonicalJson(entry)));
 * const proof = tree.inclusionProof(3, tree.size);
 * verifyInclusion(tree.leafHash(3), 3, tree.size, proof, tree.root()); // true
 * ```
 */
export class MerkleTree {
  /** levels[h][i] = hash of the complete subtree over leaves [i·2^h, (i+1)·2^h). */
  private readonly levels: HashLevel[] = [new HashLevel()];

  /** Number of leaves appended so far. */
  get size(): number {
    return this.level(0).length;
  }

  /**
   * Appends a leaf, hashing it as SHA-256(0x00 ‖ leaf).
   *
   * @returns the index of the new leaf.
   */
  append(leaf: Uint8Array): number {
    return this.appendLeafHash(hashLeaf(leaf));
  }

  /**
   * Appends an already computed leaf hash, e.g. when rebuilding the tree from stored leaf hashes.
   *
   * @returns the index of the new leaf.
   * @throws RangeError when `leafHash` is not {@link HASH_SIZE} bytes.
   */
  appendLeafHash(leafHash: Uint8Array): number {
    if (leafHash.length !== HASH_SIZE) {
      throw new RangeError(`leaf hash must be ${HASH_SIZE} bytes, got ${leafHash.length}`);
    }
    const index = this.size;
    this.level(0).push(leafHash);
    // Each trailing 1 bit of the index closes one more complete subtree: leaf 7 (0b111) completes
    // the subtrees of 2, 4 and 8 leaves ending with it.
    let height = 0;
    let position = index;
    while (position % 2 === 1) {
      const below = this.level(height);
      const parent = nodeHash(below.at(position - 1), below.at(position));
      height += 1;
      position = (position - 1) / 2;
      if (this.levels.length === height) this.levels.push(new HashLevel());
      this.level(height).push(parent);
    }
    return index;
  }

  /**
   * The leaf hash at `index`.
   *
   * @throws RangeError when `index` is not a leaf of the tree.
   */
  leafHash(index: number): Buffer {
    checkIndex('index', index, this.size);
    return Buffer.from(this.level(0).at(index));
  }

  /**
   * Merkle Tree Hash of the first `size` leaves (RFC 9162 §2.1.1); the current root by default.
   * The empty tree's root is SHA-256("").
   *
   * @throws RangeError when `size` is negative, fractional or larger than the tree.
   */
  root(size: number = this.size): Buffer {
    checkSize('size', size, this.size);
    if (size === 0) return emptyRoot();
    return Buffer.from(this.subtreeHash(0, size));
  }

  /**
   * Inclusion proof (audit path) of leaf `index` in the tree of the first `size` leaves, as
   * PATH(m, D[n]) of RFC 9162 §2.1.3.1: sibling hashes from the leaf up to the root.
   *
   * @throws RangeError unless 0 ≤ index < size ≤ this.size.
   */
  inclusionProof(index: number, size: number): Buffer[] {
    checkSize('size', size, this.size);
    checkIndex('index', index, size);
    // Walk down from the root, collecting each sibling; the path is the reverse (leaf first).
    const path: Buffer[] = [];
    let start = 0;
    let n = size;
    let m = index;
    while (n > 1) {
      const k = splitPoint(n);
      if (m < k) {
        path.push(this.subtreeHash(start + k, start + n));
        n = k;
      } else {
        path.push(this.subtreeHash(start, start + k));
        start += k;
        n -= k;
        m -= k;
      }
    }
    return path.reverse().map((node) => Buffer.from(node));
  }

  /**
   * Consistency proof between the trees of the first `from` and the first `to` leaves, as
   * PROOF(m, D[n]) / SUBPROOF of RFC 9162 §2.1.4.1, bottom node first.
   *
   * The proof is empty when `from` is 0 (every tree extends the empty one; RFC 9162 defines
   * proofs only for 0 < m < n) or when `from === to`.
   *
   * @throws RangeError unless 0 ≤ from ≤ to ≤ this.size.
   */
  consistencyProof(from: number, to: number): Buffer[] {
    checkSize('to', to, this.size);
    checkSize('from', from, to);
    if (from === 0 || from === to) return [];
    // SUBPROOF(m, D[start:start+n], b), unrolled: every step either ends the recursion or moves
    // into one half, pushing the other half's hash.
    const proof: Buffer[] = [];
    let start = 0;
    let n = to;
    let m = from;
    let b = true;
    for (;;) {
      if (m === n) {
        // The old tree's root is a node of the new tree; the verifier already knows it when b.
        if (!b) proof.push(this.subtreeHash(start, start + n));
        break;
      }
      const k = splitPoint(n);
      if (m <= k) {
        proof.push(this.subtreeHash(start + k, start + n));
        n = k;
      } else {
        proof.push(this.subtreeHash(start, start + k));
        start += k;
        n -= k;
        m -= k;
        b = false;
      }
    }
    return proof.reverse().map((node) => Buffer.from(node));
  }

  /**
   * MTH(D[start:end]) for a non-empty range as the RFC recursion reaches it. A complete aligned
   * subtree is a cache look-up; otherwise the range splits into complete subtrees (sizes from the
   * binary digits of its length, largest first), folded right to left exactly as the recursion
   * MTH = HASH(MTH(left k), MTH(rest)) nests them.
   * Returns a view into the cache or a fresh hash; public methods copy.
   */
  private subtreeHash(start: number, end: number): Buffer {
    const pieces: Buffer[] = [];
    let position = start;
    while (position < end) {
      const width = splitPoint(end - position + 1); // largest power of two ≤ what remains
      // Every range the RFC recursion produces starts at a multiple of its left subtree's width.
      // A range that does not would need subtrees that are not in the cache, and silently
      // hashing other subtrees would give a wrong MTH, hence the hard failure.
      if (position % width !== 0) throw new Error(`unaligned subtree range [${start}, ${end})`);
      pieces.push(this.completeSubtree(position, width));
      position += width;
    }
    let result = pieces.pop();
    if (result === undefined) throw new RangeError('empty range has no subtree hash');
    for (let i = pieces.length - 1; i >= 0; i--) {
      const left = pieces[i];
      if (left !== undefined) result = nodeHash(left, result);
    }
    return result;
  }

  /** Cached hash of the complete subtree of `width` (a power of two) leaves at `start`. */
  private completeSubtree(start: number, width: number): Buffer {
    let height = 0;
    for (let w = width; w > 1; w /= 2) height += 1;
    return this.level(height).at(start / width);
  }

  private level(height: number): HashLevel {
    const level = this.levels[height];
    if (level === undefined) throw new RangeError(`no complete subtree of height ${height}`);
    return level;
  }
}

/** Throws unless `value` is an integer in [0, limit]. */
function checkSize(name: string, value: number, limit: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > limit) {
    throw new RangeError(`${name} must be an integer in [0, ${limit}], got ${value}`);
  }
}

/** Throws unless `value` is an integer in [0, limit). */
function checkIndex(name: string, value: number, limit: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value >= limit) {
    throw new RangeError(`${name} must be an integer in [0, ${limit}), got ${value}`);
  }
}
