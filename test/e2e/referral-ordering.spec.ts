import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_TYPES } from '@hub/contracts';
import { Client } from 'pg';
import { OutboxRelay } from '../../src/outbox/outbox-relay';
import { deliveredSeqs, mapConcurrently } from '../support/concurrency';
import { Officer } from '../support/hub-client';
import { victimReferral } from '../support/referral-fixtures';
import { TestPartner } from '../support/test-partner';
import { startTestApp } from '../support/test-app';

const REFERRALS = 200;

describe('ordering with two hub instances and 200 concurrent referrals', () => {
  let first: NestFastifyApplication;
  let second: NestFastifyApplication;
  let vn: TestPartner;
  let db: Client;

  beforeAll(async () => {
    [first, second] = await Promise.all([startTestApp(), startTestApp()]);
    vn = await TestPartner.start('VN');
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await vn?.stop();
    await Promise.all([first?.close(), second?.close()]);
  });

  it("delivers every referral's events once each, contiguous and in order, and applies every partner event once", async () => {
    const officers = await Promise.all([Officer.of(first), Officer.of(second)]);
    const officer = (i: number): Officer => officers[i % 2] as Officer;

    // Both instances serve requests, relay (one leader at a time) and consume (partitions split).
    const ids = await mapConcurrently(
      Array.from({ length: REFERRALS }, (_, i) => i),
      25,
      (i) => officer(i).send(victimReferral('VN-MPS')),
    );
    const partnerEvents: string[] = [];
    await mapConcurrently(ids, 40, async (id, i) => {
      await vn.waitForEvent(id, EVENT_TYPES.referralSubmitted);
      const ack = await vn.act('VN-MPS', EVENT_TYPES.referralAcknowledged, { referralId: id }, 1);
      const ask = await vn.act(
        'VN-MPS',
        EVENT_TYPES.referralInfoRequested,
        { referralId: id, question: 'Age?' },
        2,
      );
      const answered = await officer(i + 1).act(id, 'provide-info', { answer: '16' });
      expect(answered.status).toBe(200);
      await vn.waitForEvent(id, EVENT_TYPES.referralInfoProvided);
      const accept = await vn.act('VN-MPS', EVENT_TYPES.referralAccepted, { referralId: id }, 4);
      const scheduled = await officer(i).act(id, 'schedule-handover', {
        checkpoint: 'LA-VN-DENSAVANH',
        scheduledAt: '2026-12-15T09:00:00+07:00',
      });
      expect(scheduled.status).toBe(200);
      await vn.waitForEvent(id, EVENT_TYPES.referralHandoverScheduled);
      partnerEvents.push(ack.id, ask.id, accept.id);
    });

    const broken = ids.filter((id) => deliveredSeqs(vn.eventsOf(id)).join() !== '1,2,3,4,5,6');
    expect(broken).toEqual([]);
    // Wire duplicates share an event id; a second application would be a second, distinct receipt.
    const answerIds = new Map<string, Set<string>>();
    for (const record of vn.received) {
      const cause = record.event.causationid;
      if (cause === undefined) continue;
      answerIds.set(cause, (answerIds.get(cause) ?? new Set()).add(record.event.id));
    }
    expect(partnerEvents.filter((id) => answerIds.get(id)?.size !== 1)).toEqual([]);
    const changes = await db.query<{ referral_id: string; n: string; max: number }>(
      `SELECT referral_id, count(*) AS n, max(seq) AS max FROM referral_changes
       WHERE referral_id = ANY($1::uuid[]) GROUP BY referral_id`,
      [ids],
    );
    expect(changes.rows).toHaveLength(REFERRALS);
    expect(changes.rows.every((r) => Number(r.n) === 6 && r.max === 6)).toBe(true);
    const leaders = [first, second].filter((app) => app.get(OutboxRelay).stats().leader);
    expect(leaders).toHaveLength(1);
  }, 180_000);
});
