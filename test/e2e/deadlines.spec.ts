import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_TYPES, toTopic, validateEventData, type CloudEvent } from '@hub/contracts';
import { Clock } from '../../src/common/clock';
import { dropDatabase } from '../../src/database/ensure-database';
import { migrateDatabase } from '../../src/database/migrate';
import { Transactions } from '../../src/database/transactions';
import { DeadlinePolicy } from '../../src/deadlines/deadline-policy';
import { DEFAULT_OVERDUE_SCAN_OPTIONS, OverdueScanner } from '../../src/deadlines/overdue-scanner';
import { appRoleUrl, scratchDatabaseUrl } from '../support/databases';
import { Officer } from '../support/hub-client';
import { partnerEvent } from '../support/partner-events';
import { victimReferral } from '../support/referral-fixtures';
import { TestPartner } from '../support/test-partner';
import { startTestApp } from '../support/test-app';

const HOUR = 3600_000;
const MINUTE = 60_000;

/** A row of `referral_deadlines` as pg returns it. */
interface DeadlineRow {
  step: string;
  opened_seq: number;
  due_at: Date;
  waiting_party: string;
  met_at: Date | null;
  overdue_at: Date | null;
}

/**
 * Two hub instances on one database (their own, so that moving their clocks a week ahead makes
 * no other suite's referrals overdue and every notice counted here is one of ours), the real
 * broker, and the Vietnamese partner system reading what the hub sends it.
 */
describe('deadlines and overdue notices (two hub instances, real broker, real database)', () => {
  const adminUrl = scratchDatabaseUrl('hub_deadlines');
  let hubs: NestFastifyApplication[] = [];
  let vn: TestPartner;
  let bokeo: Officer;
  let db: Transactions;

  beforeAll(async () => {
    await migrateDatabase(adminUrl);
    const appUrl = appRoleUrl(adminUrl);
    // One after the other: both provision the same topics at start-up.
    for (let i = 0; i < 2; i++) hubs.push(await startTestApp({ DATABASE_URL: appUrl }));
    vn = await TestPartner.start('VN');
    bokeo = await Officer.of(hubs[0]!, 'LA-BOKEO-POLICE');
    db = hubs[0]!.get(Transactions);
  }, 120_000);

  afterAll(async () => {
    await vn?.stop();
    await Promise.all(hubs.map((hub) => hub.close()));
    hubs = [];
    await dropDatabase(adminUrl);
  });

  /** Both instances' clocks move together, as the clocks of one deployment's hosts do. */
  function advance(ms: number): void {
    for (const hub of hubs) hub.get(Clock).advance(ms);
  }

  function now(): Date {
    return hubs[0]!.get(Clock).now();
  }

  /** Moves time to one minute past `dueAt`. */
  function advancePast(dueAt: Date): void {
    advance(Math.max(0, dueAt.getTime() - now().getTime()) + MINUTE);
  }

  /** Both instances scan at the same moment; resolves to how many steps they notified together. */
  async function scanBoth(): Promise<number> {
    const counts = await Promise.all(hubs.map((hub) => hub.get(OverdueScanner).scanOnce()));
    return counts.reduce((a, b) => a + b, 0);
  }

  function deadlinesOf(referralId: string): Promise<DeadlineRow[]> {
    return db.query<DeadlineRow>(
      `SELECT step, opened_seq, due_at, waiting_party, met_at, overdue_at FROM referral_deadlines
        WHERE referral_id = $1 ORDER BY opened_seq, step`,
      [referralId],
    );
  }

  async function openDeadline(referralId: string): Promise<DeadlineRow> {
    const open = (await deadlinesOf(referralId)).filter((d) => d.met_at === null);
    expect(open).toHaveLength(1);
    return open[0]!;
  }

  /** Overdue notices queued for `referralId`, whether or not they were published yet. */
  async function queuedNotices(referralId: string): Promise<number> {
    const rows = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM outbox
        WHERE referral_id = $1 AND headers ->> 'ce_type' = $2`,
      [referralId, EVENT_TYPES.referralOverdue],
    );
    return Number(rows[0]?.n);
  }

  function noticesAt(
    partner: TestPartner,
    referralId: string,
  ): CloudEvent<Record<string, unknown>>[] {
    return partner.eventsOf(referralId).filter((e) => e.type === EVENT_TYPES.referralOverdue);
  }

  /** The `referral.overdue` entries of the referral's audit trail, as its Lao party sees them. */
  async function overdueEntries(referralId: string): Promise<any[]> {
    const history = await bokeo.get(`/v1/referrals/${referralId}/history`);
    expect(history.status).toBe(200);
    return history.body.items
      .map((item: any) => item.entry)
      .filter((entry: any) => entry.action === 'referral.overdue');
  }

  /** A Lao referral to VN-MPS the partner has received; `edit` changes its content. */
  async function sendToVietnam(edit?: (r: Record<string, any>) => void): Promise<string> {
    const id = await bokeo.send(victimReferral('VN-MPS', edit));
    await vn.waitForEvent(id, EVENT_TYPES.referralSubmitted);
    return id;
  }

  describe('a step that passes its deadline', () => {
    it('yields one event per party and one audit entry, even with two hub instances scanning at once', async () => {
      const ids = await Promise.all(Array.from({ length: 4 }, () => sendToVietnam()));
      const opened = await Promise.all(ids.map(openDeadline));
      for (const deadline of opened) {
        expect(deadline).toMatchObject({
          step: 'ACKNOWLEDGE',
          waiting_party: 'VN-MPS',
          overdue_at: null,
        });
      }

      const listed = async (): Promise<string[]> =>
        (await bokeo.get('/v1/referrals?overdue=true&limit=100')).body.items.map((r: any) => r.id);
      expect(await listed()).not.toContain(ids[0]);

      advance(25 * HOUR);
      await scanBoth();

      expect(await listed()).toEqual(expect.arrayContaining(ids));
      await vn.waitFor('an overdue notice for every referral', () =>
        ids.every((id) => noticesAt(vn, id).length > 0),
      );
      // Scanning again, on either instance, finds nothing left to notify.
      expect(await scanBoth()).toBe(0);
      for (const [i, id] of ids.entries()) {
        expect(await queuedNotices(id)).toBe(1);
        const [notice] = noticesAt(vn, id);
        expect(notice).toMatchObject({
          source: '/hub',
          subject: id,
          recipient: 'VN-MPS',
          data: { referralId: id, step: 'ACKNOWLEDGE', dueAt: opened[i]!.due_at.toISOString() },
        });
        // A notice is no change of the referral: it takes no referralseq.
        expect(notice!.referralseq).toBeUndefined();
        expect(validateEventData(EVENT_TYPES.referralOverdue, notice!.data).ok).toBe(true);
        const record = vn.received.find((r) => r.event.id === notice!.id);
        expect(record).toMatchObject({ topic: toTopic('VN'), key: id });

        const entries = await overdueEntries(id);
        expect(entries).toHaveLength(1);
        expect(entries[0]).toMatchObject({
          actorKind: 'hub',
          actor: 'hub',
          actorParty: null,
          referralId: id,
          stateBefore: 'SUBMITTED',
          stateAfter: 'SUBMITTED',
          outcome: 'ACKNOWLEDGE',
        });
        const [row] = await deadlinesOf(id);
        expect(row!.overdue_at).not.toBeNull();
        expect(row!.met_at).toBeNull();
      }

      // The partner acknowledges late: the step is met (and leaves the overdue list). Its receipt
      // travels after any notice on the referral's partition, so no second notice is on its way.
      const late = ids[0]!;
      await vn.act('VN-MPS', EVENT_TYPES.referralAcknowledged, { referralId: late }, 1);
      expect(noticesAt(vn, late)).toHaveLength(1);
      const [acknowledge, decide] = await deadlinesOf(late);
      expect(acknowledge).toMatchObject({ step: 'ACKNOWLEDGE' });
      expect(acknowledge!.met_at).not.toBeNull();
      expect(decide).toMatchObject({ step: 'DECIDE', opened_seq: 2, met_at: null });
      expect(await listed()).not.toContain(late);
    });

    it('asks an IMMEDIATE referral to be acknowledged within 2 hours', async () => {
      const before = now();
      const id = await sendToVietnam((r) => {
        r['priority'] = 'IMMEDIATE';
      });
      const after = now();
      const deadline = await openDeadline(id);
      expect(deadline.due_at.getTime()).toBeGreaterThanOrEqual(before.getTime() + 2 * HOUR);
      expect(deadline.due_at.getTime()).toBeLessThanOrEqual(after.getTime() + 2 * HOUR);

      advance(deadline.due_at.getTime() - now().getTime() - MINUTE);
      await scanBoth();
      expect((await openDeadline(id)).overdue_at).toBeNull();

      advance(2 * MINUTE);
      await scanBoth();

      const notice = await vn.waitForEvent(id, EVENT_TYPES.referralOverdue);
      expect(notice.data).toEqual({
        referralId: id,
        step: 'ACKNOWLEDGE',
        dueAt: deadline.due_at.toISOString(),
      });

      // Withdrawing ends the referral: nothing is left waiting.
      expect((await bokeo.act(id, 'withdraw', { reason: 'Found in Laos.' })).status).toBe(200);
      expect((await deadlinesOf(id)).every((d) => d.met_at !== null)).toBe(true);
    });

    it('makes the sender the waiting party of an information request, and tells the partner when it is late', async () => {
      const id = await sendToVietnam();
      await vn.act('VN-MPS', EVENT_TYPES.referralAcknowledged, { referralId: id }, 1);
      await vn.act(
        'VN-MPS',
        EVENT_TYPES.referralInfoRequested,
        { referralId: id, question: 'Name of her mother?' },
        2,
      );
      const rows = await deadlinesOf(id);
      expect(rows.map((d) => [d.step, d.opened_seq, d.waiting_party, d.met_at === null])).toEqual([
        ['ACKNOWLEDGE', 1, 'VN-MPS', false],
        ['DECIDE', 2, 'VN-MPS', false],
        ['PROVIDE_INFO', 3, 'LA-BOKEO-POLICE', true],
      ]);
      const provideInfo = rows[2]!;

      advancePast(provideInfo.due_at);
      await scanBoth();

      const notice = await vn.waitForEvent(id, EVENT_TYPES.referralOverdue);
      expect(notice).toMatchObject({
        recipient: 'VN-MPS',
        data: { step: 'PROVIDE_INFO', dueAt: provideInfo.due_at.toISOString() },
      });
      const entries = await overdueEntries(id);
      expect(entries.map((e) => [e.outcome, e.stateBefore])).toEqual([
        ['PROVIDE_INFO', 'INFO_REQUESTED'],
      ]);

      // The answer restarts the receiver's decision with a full period.
      const answeredFrom = now();
      expect((await bokeo.act(id, 'provide-info', { answer: 'Trần Thị Lan' })).status).toBe(200);
      const answeredTo = now();
      const decide = await openDeadline(id);
      const period = hubs[0]!.get(DeadlinePolicy).durationMs('DECIDE', 'URGENT');
      expect(decide).toMatchObject({ step: 'DECIDE', opened_seq: 4, waiting_party: 'VN-MPS' });
      expect(decide.due_at.getTime()).toBeGreaterThanOrEqual(answeredFrom.getTime() + period);
      expect(decide.due_at.getTime()).toBeLessThanOrEqual(answeredTo.getTime() + period);
      const answered = (await deadlinesOf(id)).find((d) => d.step === 'PROVIDE_INFO');
      expect(answered!.met_at).not.toBeNull();
    });

    it('tells the partner that submitted a referral when the Lao receiver is late to acknowledge it', async () => {
      const referralId = randomUUID();
      const content = victimReferral('LA-BOKEO-POLICE', (r) => {
        r['person'].nationality = 'LA';
        r['repatriation'].homeAddress = { country: 'LA', province: 'Bokeo' };
      });
      const submit = partnerEvent(
        'VN-MPS',
        EVENT_TYPES.referralSubmitted,
        { ...content, referralId, from: 'VN-MPS', submittedAt: new Date().toISOString() },
        { recipient: 'LA-BOKEO-POLICE' },
      );
      await vn.publish(submit);
      expect((await vn.waitForAnswer(submit.id)).type).toBe(EVENT_TYPES.receipt);
      const deadline = await openDeadline(referralId);
      expect(deadline).toMatchObject({
        step: 'ACKNOWLEDGE',
        opened_seq: 1,
        waiting_party: 'LA-BOKEO-POLICE',
      });

      advancePast(deadline.due_at);
      await scanBoth();

      const notice = await vn.waitForEvent(referralId, EVENT_TYPES.referralOverdue);
      expect(notice).toMatchObject({ recipient: 'VN-MPS', data: { step: 'ACKNOWLEDGE' } });
      expect(await overdueEntries(referralId)).toHaveLength(1);
    });
  });

  describe('the background scan', () => {
    it('notices a passed deadline by itself within one scan interval', async () => {
      const id = await sendToVietnam();

      advancePast((await openDeadline(id)).due_at);

      const notice = await vn.waitFor(
        'a notice without scanOnce',
        () => noticesAt(vn, id)[0],
        DEFAULT_OVERDUE_SCAN_OPTIONS.intervalMs + 10_000,
      );
      expect(notice.data).toMatchObject({ step: 'ACKNOWLEDGE' });
    });
  });

  describe('a step answered in time', () => {
    it('yields no event and no audit entry', async () => {
      const id = await sendToVietnam();
      await vn.act('VN-MPS', EVENT_TYPES.referralAcknowledged, { referralId: id }, 1);
      const acknowledged = (await deadlinesOf(id))[0]!;

      advancePast(acknowledged.due_at);
      await scanBoth();

      // The withdrawal travels after any notice on the referral's partition: once it arrived,
      // nothing else is on its way.
      expect((await bokeo.act(id, 'withdraw', { reason: 'Found in Laos.' })).status).toBe(200);
      await vn.waitForEvent(id, EVENT_TYPES.referralWithdrawn);
      expect(noticesAt(vn, id)).toEqual([]);
      expect(await queuedNotices(id)).toBe(0);
      expect(await overdueEntries(id)).toEqual([]);
      const [acknowledge, decide] = await deadlinesOf(id);
      expect(acknowledge).toMatchObject({ step: 'ACKNOWLEDGE', overdue_at: null });
      expect(acknowledge!.met_at).not.toBeNull();
      expect(decide).toMatchObject({ step: 'DECIDE', overdue_at: null });
      expect(decide!.met_at).not.toBeNull();
    });

    it('keeps one completion deadline from acceptance through hand-over (re)scheduling', async () => {
      const id = await sendToVietnam();
      await vn.act('VN-MPS', EVENT_TYPES.referralAcknowledged, { referralId: id }, 1);
      await vn.act('VN-MPS', EVENT_TYPES.referralAccepted, { referralId: id }, 2);
      const accepted = await openDeadline(id);
      expect(accepted).toMatchObject({ step: 'COMPLETE', opened_seq: 3, waiting_party: 'VN-MPS' });

      for (const day of ['10', '12']) {
        const res = await bokeo.act(id, 'schedule-handover', {
          checkpoint: 'LA-VN-DENSAVANH',
          scheduledAt: `2026-12-${day}T09:00:00+07:00`,
        });
        expect(res.status).toBe(200);
      }

      expect(await openDeadline(id)).toEqual(accepted);
    });
  });
});
