import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index on `audit_leaves.leaf_hash`, for `GET /v1/audit/proofs/inclusion-by-hash` (RFC 9162
 * get-proof-by-hash): a client holding only a leaf's hash asks where it is, and without the index
 * every such question scans the whole log.
 *
 * Not unique: every leaf's bytes include its own index, so equal hashes would take a SHA-256
 * collision; the lookup takes the first leaf with the hash, and the log's integrity stays the
 * checkpoints' job rather than a constraint's.
 * Built without CONCURRENTLY because migrations run in a transaction; on a large log it holds
 * writes to `audit_leaves` (the sequencer's, never a request's) for the build.
 */
export class AuditLeavesByHash1763860000000 implements MigrationInterface {
  name = 'AuditLeavesByHash1763860000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX audit_leaves_by_hash ON audit_leaves (leaf_hash)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX audit_leaves_by_hash`);
  }
}
