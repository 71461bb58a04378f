import { bytesEqual, concatBytes, sha256, utf8, type Bytes } from './bytes';

/** Size in bytes of every hash of the log (SHA-256). */
export const HASH_SIZE = 32;

/** RFC 6962 §2.1 leaf hash: SHA-256(0x00 ‖ leaf). */
export function hashLeaf(leaf: Uint8Array): Promise<Bytes> {
  return sha256(concatBytes(new Uint8Array([0x00]), leaf));
}

/** RFC 6962 §2.1 interior node hash: SHA-256(0x01 ‖ left ‖ right). */
export function hashNode(left: Uint8Array, right: Uint8Array): Promise<Bytes> {
  return sha256(concatBytes(new Uint8Array([0x01]), left, right));
}

/** Leaf hash of a UTF-8 text (the canonical JSON of an audit entry). */
export function hashLeafText(text: string): Promise<Bytes> {
  return hashLeaf(utf8(text));
}

/**
 * RFC 9162 §2.1.3.2 inclusion proof verification, ported step by step from
 * libs/transparency-log/src/verify.ts to async Web Crypto. Returns false (never throws) for a
 * proof that does not check out, as well as for malformed input: an index outside the tree, a
 * path too long or too short, a hash that is not 32 bytes.
 */
export async function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  if (!isCount(index) || !isCount(size)) return false;
  if (!isHash(leafHash) || !isHash(root) || !proof.every(isHash)) return false;
  // 1. leaf_index ≥ tree_size fails.
  if (index >= size) return false;
  // 2.
  let fn = index;
  let sn = size - 1;
  // 3.
  let r: Uint8Array = leafHash;
  // 4.
  for (const p of proof) {
    // 4a.
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      // 4b.1
      r = await hashNode(p, r);
      // 4b.2
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await hashNode(r, p);
    }
    // 4c.
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  return sn === 0 && bytesEqual(r, root);
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function isHash(value: Uint8Array): boolean {
  return value.length === HASH_SIZE;
}

function half(value: number): number {
  return Math.floor(value / 2);
}
