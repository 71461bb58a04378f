import { bytesEqual, emptyRoot, HASH_SIZE, isPowerOfTwo, nodeHash } from './hashing';

/*
 * Both verifiers transcribe RFC 9162 §2.1.3.2 and §2.1.4.2 step by step (the step numbers are in
 * the comments) and add only the input checks the RFC leaves to the caller. They return false
 * rather than throw: a proof is untrusted input, and a bad one is an expected outcome, not a bug.
 *
 * Sizes and indices are JavaScript numbers; every check requires a safe integer, and the
 * algorithm halves with `Math.floor(x / 2)` so that it stays exact beyond 2^31, where bit
 * operators would wrap.
 */

/**
 * Verifies an RFC 9162 §2.1.3.2 inclusion proof: that `leafHash` is leaf `index` of the tree of
 * `size` leaves whose root is `root`.
 *
 * Refuses, besides a proof that does not hash to `root`: `index ≥ size` (which includes every
 * proof for the empty tree), a proof with missing or extra nodes (caught by the RFC's `sn`
 * checks), any hash that is not 32 bytes, and sizes or indices that are not non-negative safe
 * integers.
 *
 * @param leafHash - SHA-256(0x00 ‖ leaf), e.g. from `hashLeaf`.
 * @param proof - the audit path, sibling of the leaf first.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isCount(index) || !isCount(size)) return false;
  if (!isHash(leafHash) || !isHash(root) || !proof.every(isHash)) return false;
  // 1. leaf_index ≥ tree_size fails.
  if (index >= size) return false;
  // 2. fn = leaf_index, sn = tree_size - 1.
  let fn = index;
  let sn = size - 1;
  // 3. r = hash.
  let r: Uint8Array = leafHash;
  // 4. For each p in inclusion_path:
  for (const p of proof) {
    // 4a. sn = 0 means the path is longer than the tree is high.
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      // 4b.1. r is a right child, or the last node of its level: p is its left sibling.
      r = nodeHash(p, r);
      // 4b.2. If LSB(fn) is not set, r was the last node of its level: climb the levels where it
      // has no sibling until it becomes a right child or reaches the left edge.
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      // Otherwise r is a left child and p its right sibling.
      r = nodeHash(r, p);
    }
    // 4c.
    fn = half(fn);
    sn = half(sn);
  }
  // 5. sn = 0 means every level was covered (a short path leaves sn > 0), and r must be the root.
  return sn === 0 && bytesEqual(r, root);
}

/**
 * Verifies an RFC 9162 §2.1.4.2 consistency proof: that the tree of `size2` leaves with root
 * `root2` is an append-only extension of the tree of `size1` leaves with root `root1`.
 *
 * Cases outside the RFC's 0 < size1 < size2:
 * - `size1 > size2` is refused: a log cannot shrink.
 * - `size1 === size2` holds only with an exactly empty proof and `root1` equal to `root2`;
 *   nodes there would be unchecked input the RFC algorithm never reads.
 * - `size1 === 0`: RFC 9162 defines no proof from the empty tree (PROOF is for 0 < m < n), yet
 *   every tree extends it. Accepted only with an empty proof and `root1` equal to SHA-256(""),
 *   the one root a tree of size 0 can have; `root2` cannot be checked against anything here
 *   (check it with a signature, or with inclusion proofs).
 *
 * Refuses besides: a proof whose nodes are not all consumed or that runs out early (the RFC's
 * `sn` checks), hashes that are not 32 bytes, and sizes that are not non-negative safe integers.
 *
 * @param proof - consistency path as produced by `MerkleTree.consistencyProof`, bottom first.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isCount(size1) || !isCount(size2)) return false;
  if (!isHash(root1) || !isHash(root2) || !proof.every(isHash)) return false;
  if (size1 > size2) return false;
  if (size1 === size2) {
    if (proof.length !== 0 || !bytesEqual(root1, root2)) return false;
    return size1 !== 0 || bytesEqual(root1, emptyRoot());
  }
  if (size1 === 0) return proof.length === 0 && bytesEqual(root1, emptyRoot());

  // 1. An empty consistency_path fails.
  if (proof.length === 0) return false;
  // 2. When first is a power of two, the old root is a node of the new tree and the prover
  //    leaves it out: prepend first_hash.
  const path: readonly Uint8Array[] = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  // 3. fn = first - 1, sn = second - 1.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // 4. Climb past the levels where the old tree's last node is a right child.
  while (fn % 2 === 1) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5. fr = sr = first node of the path.
  const [first, ...rest] = path;
  if (first === undefined) return false;
  let fr: Uint8Array = first;
  let sr: Uint8Array = first;
  // 6. For each subsequent c:
  for (const c of rest) {
    // 6a. sn = 0 means nodes are left over: refuse rather than ignore them.
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      // 6b.1–2. c is a left sibling, part of both trees.
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      // 6b.3. As in inclusion verification: climb the levels where the node has no sibling.
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      // c is a right sibling only the new tree has.
      sr = nodeHash(sr, c);
    }
    // 6c.
    fn = half(fn);
    sn = half(sn);
  }
  // 7. Both roots must match, and sn = 0 proves the path reached the top of the new tree.
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}

/** Non-negative safe integer: a valid tree size or leaf index. */
function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function isHash(value: Uint8Array): boolean {
  return value.length === HASH_SIZE;
}

function half(value: number): number {
  return Math.floor(value / 2);
}
