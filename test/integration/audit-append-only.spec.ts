import { Client } from 'pg';
import { dropDatabase } from '../../src/database/ensure-database';
import { migrateDatabase } from '../../src/database/migrate';
import { appRoleUrl, scratchDatabaseUrl } from '../support/databases';

describe('the audit tables in the database', () => {
  const ownerUrl = scratchDatabaseUrl('hub_append_only');
  let owner: Client;
  let app: Client;

  beforeAll(async () => {
    await migrateDatabase(ownerUrl);
    owner = new Client({ connectionString: ownerUrl });
    app = new Client({ connectionString: appRoleUrl(ownerUrl) });
    await Promise.all([owner.connect(), app.connect()]);
    await app.query(
      `INSERT INTO audit_entries (recorded_at, actor_kind, actor, action) VALUES (now(), 'hub', 'hub', 'test')`,
    );
    // A witness's cosignature and fork report are evidence too (issue 18).
    await app.query(
      `INSERT INTO audit_checkpoints (tree_size, root_hash, note) VALUES (1, '\\x00', 'note')`,
    );
    await app.query(
      `INSERT INTO audit_cosignatures (tree_size, country, witness_name, signature_line, cosigned_at, event_id)
       VALUES (1, 'TH', 'witness', 'line', now(), 'e1')`,
    );
    await app.query(
      `INSERT INTO audit_witness_refusals (country, held_note, held_size, offered_note, offered_size, reason, event_id)
       VALUES ('TH', 'held', 1, 'offered', 1, 'same size, another root', 'e2')`,
    );
  });

  afterAll(async () => {
    await Promise.all([owner?.end(), app?.end()]);
    await dropDatabase(ownerUrl);
  });

  it('let the application role insert and read entries', async () => {
    const rows = await app.query('SELECT count(*) AS n FROM audit_entries');

    expect(Number(rows.rows[0].n)).toBe(1);
  });

  it.each([
    ['UPDATE', `UPDATE audit_entries SET action = 'x'`],
    ['DELETE', `DELETE FROM audit_entries`],
    ['TRUNCATE', `TRUNCATE audit_entries`],
    ['UPDATE', `UPDATE audit_checkpoints SET note = 'x'`],
    ['TRUNCATE', `TRUNCATE audit_leaves`],
    ['UPDATE', `UPDATE audit_cosignatures SET signature_line = 'x'`],
    ['DELETE', `DELETE FROM audit_witness_refusals`],
  ])('refuse %s by the application role', async (_op, sql) => {
    await expect(app.query(sql)).rejects.toThrow(/permission denied/);
  });

  it.each([
    ['UPDATE', `UPDATE audit_entries SET action = 'x'`],
    ['DELETE', `DELETE FROM audit_entries`],
    ['TRUNCATE', `TRUNCATE audit_leaves`],
    ['TRUNCATE … CASCADE', `TRUNCATE audit_entries CASCADE`],
    ['DELETE', `DELETE FROM audit_cosignatures`],
    ['UPDATE', `UPDATE audit_witness_refusals SET reason = 'x'`],
    ['TRUNCATE', `TRUNCATE audit_witness_refusals`],
  ])('refuse %s even by the owner while the triggers are on', async (_op, sql) => {
    await expect(owner.query(sql)).rejects.toThrow(/append-only/);
  });
});
