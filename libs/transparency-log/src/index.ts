export { emptyRoot, HASH_SIZE, hashChildren, hashLeaf } from './hashing';
export * from './merkle-tree';
export * from './streaming-root';
export * from './verify';
export * from './signed-note';
export * from './checkpoint';
export type { TlogResult } from './text';
export * from './cosignature';
