import { WriteBatch } from './write-batch';

/** A Tx that records what it was sent. */
function recorder(): { sent: { sql: string; params: unknown[] }[]; tx: never } {
  const sent: { sql: string; params: unknown[] }[] = [];
  const tx = {
    query: (sql: string, params: unknown[]) => {
      sent.push({ sql, params });
      return Promise.resolve([]);
    },
  };
  return { sent, tx: tx as never };
}

describe(WriteBatch.name, () => {
  it('sends its writes as one statement of CTEs, placeholders renumbered in order', async () => {
    const { sent, tx } = recorder();
    const batch = new WriteBatch();
    const entry = batch.add('INSERT INTO a (x, y) VALUES ($1, $2::int) RETURNING id', ['x', 2]);
    batch.add(`INSERT INTO b (a_id, z) SELECT id, $1 FROM ${entry}`, ['z']);
    batch.add('UPDATE c SET v = $2 WHERE id = $1 AND w = $2', [7, 'v']);

    await batch.flush(tx);

    expect(sent).toEqual([
      {
        sql:
          'WITH w0 AS (INSERT INTO a (x, y) VALUES ($1, $2::int) RETURNING id),\n' +
          'w1 AS (INSERT INTO b (a_id, z) SELECT id, $3 FROM w0),\n' +
          'w2 AS (UPDATE c SET v = $5 WHERE id = $4 AND w = $5)\nSELECT 1',
        params: ['x', 2, 'z', 7, 'v'],
      },
    ]);
    expect(batch.size).toBe(0);
  });

  it('sends nothing when empty, and can be filled again after a flush', async () => {
    const { sent, tx } = recorder();
    const batch = new WriteBatch();

    await batch.flush(tx);
    batch.add('DELETE FROM d WHERE id = $1', [1]);
    await batch.flush(tx);

    expect(sent).toHaveLength(1);
    expect(sent[0]?.sql).toBe('WITH w0 AS (DELETE FROM d WHERE id = $1)\nSELECT 1');
  });
});
