import { EVENT_TYPES } from '@hub/contracts';
import { Client } from 'pg';
import { deliveredSeqs, mapConcurrently } from '../support/concurrency';
import { HubProcess } from '../support/hub-process';
import { partnerEvent } from '../support/partner-events';
import { victimReferral } from '../support/referral-fixtures';
import { TestPartner } from '../support/test-partner';
import { tokenFor } from '../support/tokens';

/** The relay's advisory-lock key (src/outbox/outbox-relay.ts). */
const RELAY_LOCK_KEY = 727_001;

describe('a hub killed with SIGKILL while events are pending', () => {
  const hub = new HubProcess();
  let vn: TestPartner;
  let db: Client;
  let lock: Client;
  let token: string;

  beforeAll(async () => {
    db = new Client({ connectionString: process.env.DATABASE_URL });
    lock = new Client({ connectionString: process.env.DATABASE_URL });
    await Promise.all([db.connect(), lock.connect()]);
    vn = await TestPartner.start('VN');
    token = await tokenFor({ party: 'LA-BOKEO-POLICE', roles: ['liaison_officer'] });
  });

  afterAll(async () => {
    await hub.stop();
    await vn?.stop();
    await Promise.all([db?.end(), lock?.end()]);
  });

  async function call(path: string, body: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${hub.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  async function sendReferral(): Promise<string> {
    const created = await call('/v1/referrals', victimReferral('VN-MPS'));
    const submitted = await call(`/v1/referrals/${created.body.id}/submit`, {});
    if (submitted.status !== 200) throw new Error(`submit failed: ${submitted.status}`);
    return created.body.id as string;
  }

  async function pending(): Promise<number> {
    const rows = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`,
    );
    return Number(rows.rows[0]?.n);
  }

  /**
   * The relay marks a row published after the broker's acknowledgement, so a partner may read an
   * event a moment before its row is marked: wait (bounded) for the marks instead of racing them.
   */
  async function drained(timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let left = await pending();
    while (left > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      left = await pending();
    }
    return left;
  }

  it('delivers every committed event in order after restarts, and applies what partners sent meanwhile', async () => {
    const startedAt = new Date();
    await hub.start();
    const early = await mapConcurrently(Array.from({ length: 10 }), 10, sendReferral);
    await vn.waitFor('the early referrals', () =>
      early.every((id) => vn.eventsOf(id).length === 1),
    );

    // Crash 1: whatever the relay had in hand.
    await hub.kill();
    // Hold the relay's lock so the next incarnation cannot publish: its events pile up.
    await lock.query('SELECT pg_advisory_lock($1)', [RELAY_LOCK_KEY]);
    await hub.start();
    const piled = await mapConcurrently(Array.from({ length: 20 }), 10, sendReferral);
    const acks = early.map((id) =>
      partnerEvent(
        'VN-MPS',
        EVENT_TYPES.referralAcknowledged,
        { referralId: id },
        { referralseq: 1 },
      ),
    );
    for (const ack of acks) await vn.publish(ack);
    // Crash 2: in the middle of a burst of requests, with the outbox full.
    let succeeded = 0;
    const burst = mapConcurrently(Array.from({ length: 60 }), 20, async () => {
      try {
        await sendReferral();
        succeeded++;
      } catch {
        // Connection reset by the kill: whether it committed is read from the database below.
      }
    });
    while (succeeded < 10) await new Promise((r) => setTimeout(r, 5));
    await hub.kill();
    await burst;
    const pendingAtCrash = await pending();
    expect(pendingAtCrash).toBeGreaterThanOrEqual(piled.length);

    await lock.query('SELECT pg_advisory_unlock($1)', [RELAY_LOCK_KEY]);
    await hub.start();

    // Whatever committed before the kills, and nothing else, must reach the partner.
    const committed = await db.query<{ id: string }>(
      `SELECT id FROM referrals WHERE status <> 'DRAFT' AND created_at >= $1`,
      [startedAt],
    );
    const ids = committed.rows.map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(early.length + piled.length + 10);
    const missing = (): string[] =>
      ids.filter((id) => !vn.eventsOf(id).some((e) => e.type === EVENT_TYPES.referralSubmitted));
    await vn
      .waitFor(
        'every committed referral on the partner topic',
        () => missing().length === 0,
        90_000,
      )
      .catch(async (error: unknown) => {
        const rows = await db.query(
          `SELECT referral_id, referral_seq, topic, published_at FROM outbox WHERE referral_id = ANY($1::uuid[])`,
          [missing()],
        );
        throw new Error(
          `${(error as Error).message}: ${missing().length} of ${ids.length} missing; their outbox rows: ${JSON.stringify(rows.rows.slice(0, 5))}\nhub log:\n${hub.logs().slice(-4000)}`,
        );
      });
    for (const ack of acks) await vn.waitForAnswer(ack.id, 60_000);

    const outOfOrder = ids.filter((id) =>
      deliveredSeqs(vn.eventsOf(id)).some((seq, i) => seq !== i + 1),
    );
    expect(outOfOrder).toEqual([]);
    for (const id of early) expect(deliveredSeqs(vn.eventsOf(id))).toEqual([1, 2]);
    for (const ack of acks) {
      const answers = new Set(
        vn.received.filter((r) => r.event.causationid === ack.id).map((r) => r.event.id),
      );
      expect(answers.size).toBe(1);
    }
    expect(await drained()).toBe(0);
    process.stdout.write(
      `crash test: ${ids.length} committed referrals, ${pendingAtCrash} outbox rows pending at the second kill\n`,
    );
  }, 180_000);
});
