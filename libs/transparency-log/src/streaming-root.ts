import { emptyRoot, HASH_SIZE, hashLeaf, nodeHash } from './hashing';

/**
 * Computes the Merkle Tree Hash of a stream of leaves in O(n) time and O(log n) memory, for
 * checking a whole stored log against a checkpoint without holding it in memory.
 *
 * It keeps the "compact range" of the prefix seen so far: one complete-subtree hash per set bit of
 * the leaf count, largest first. Pushing a leaf merges equal-sized subtrees like a binary counter
 * carrying; the root folds the remaining subtrees right to left, as the RFC 6962 recursion nests
 * them.
 *
 * @example
 * ```ts
 * const stream = new StreamingRoot();
 * for await (const row of rows) stream.pushLeafHash(row.leafHash);
 * const matches = stream.root().equals(checkpoint.root);
 * ```
 */
export class StreamingRoot {
  /** Complete-subtree hashes, largest (leftmost) first. */
  private readonly stack: Buffer[] = [];
  private count = 0;

  /** Number of leaves pushed so far. */
  get size(): number {
    return this.count;
  }

  /** Pushes a leaf, hashing it as SHA-256(0x00 ‖ leaf). */
  pushLeaf(leaf: Uint8Array): void {
    this.pushHash(hashLeaf(leaf));
  }

  /**
   * Pushes an already computed leaf hash.
   *
   * @throws RangeError when `leafHash` is not {@link HASH_SIZE} bytes.
   */
  pushLeafHash(leafHash: Uint8Array): void {
    if (leafHash.length !== HASH_SIZE) {
      throw new RangeError(`leaf hash must be ${HASH_SIZE} bytes, got ${leafHash.length}`);
    }
    // Copy: the caller may reuse its buffer (e.g. a database driver's row buffer).
    this.pushHash(Buffer.from(leafHash));
  }

  /** Root hash of the leaves pushed so far; SHA-256("") when none. */
  root(): Buffer {
    let result = this.stack[this.stack.length - 1];
    if (result === undefined) return emptyRoot();
    for (let i = this.stack.length - 2; i >= 0; i--) {
      const left = this.stack[i];
      if (left !== undefined) result = nodeHash(left, result);
    }
    // A copy, so that mutating the result cannot corrupt the stack (single-leaf case).
    return Buffer.from(result);
  }

  private pushHash(leafHash: Buffer): void {
    let merged = leafHash;
    // Every trailing 1 bit of the old count is a same-sized subtree now completed by this leaf.
    for (let bits = this.count; bits % 2 === 1; bits = (bits - 1) / 2) {
      const left = this.stack.pop();
      if (left === undefined) throw new Error('compact range stack out of step with its size');
      merged = nodeHash(left, merged);
    }
    this.stack.push(merged);
    this.count += 1;
  }
}

/**
 * Root hash of a sequence of leaf hashes, streamed in O(n) time and O(log n) memory.
 *
 * @throws RangeError when a leaf hash is not {@link HASH_SIZE} bytes.
 */
export function computeRoot(leafHashes: Iterable<Uint8Array>): Buffer {
  const stream = new StreamingRoot();
  for (const leafHash of leafHashes) stream.pushLeafHash(leafHash);
  return stream.root();
}

/**
 * {@link computeRoot} over an async sequence, e.g. a cursor over the stored log.
 *
 * @throws RangeError when a leaf hash is not {@link HASH_SIZE} bytes.
 */
export async function computeRootAsync(
  leafHashes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<Buffer> {
  const stream = new StreamingRoot();
  for await (const leafHash of leafHashes) stream.pushLeafHash(leafHash);
  return stream.root();
}
