import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, toTopic } from '@hub/contracts';
import { InboundProcessor } from '../../src/partners/inbound-processor';
import { MediumContext } from '../support/medium';
import { partnerEvent } from '../support/partner-events';
import { suspectReferral, victimReferral } from '../support/referral-fixtures';

describe(InboundProcessor.name, () => {
  let ctx: MediumContext;
  let processor: InboundProcessor;

  beforeAll(async () => {
    ctx = await MediumContext.start();
    processor = ctx.get(InboundProcessor);
  });
  afterAll(() => ctx?.stop());

  /** A Thai referral to a Lao agency, as `mrh.referral.submitted.v1` data. */
  function submittedData(body = thaiSuspect()): Record<string, unknown> {
    return {
      ...body,
      referralId: randomUUID(),
      from: 'TH-POLICE',
      submittedAt: new Date().toISOString(),
    };
  }

  /** A suspect hand-off from Thailand, over a Lao–Thai border checkpoint. */
  function thaiSuspect(): Record<string, unknown> {
    const body = suspectReferral('LA-BOKEO-POLICE');
    (body['handoff'] as Record<string, unknown>)['checkpoint'] = 'LA-TH-FB1';
    return body;
  }

  /** The answers (receipts and rejections) queued for Thailand about one partner event. */
  async function answersTo(eventId: string) {
    const events = await ctx.outboxEvents(toTopic('TH'));
    return events
      .filter((e) => e.causationid === eventId)
      .map((e) => ({
        type: e.type,
        recipient: e.recipient,
        ...(e.type === EVENT_TYPES.eventRejected
          ? { code: e.data['code'] }
          : { status: e.data['status'] }),
      }));
  }

  describe('exactly one answer per event (source + id)', () => {
    it('applies a new referral, answers it with a receipt, and not again when it comes back', async () => {
      const event = partnerEvent('TH-POLICE', EVENT_TYPES.referralSubmitted, submittedData(), {
        recipient: 'LA-BOKEO-POLICE',
      });

      const first = await processor.handle(ctx.record('TH', event));
      const again = await processor.handle(ctx.record('TH', event));

      expect([first.kind, again.kind]).toEqual(['applied', 'duplicate']);
      expect(await answersTo(event.id)).toEqual([
        { type: EVENT_TYPES.receipt, recipient: 'TH-POLICE', status: 'APPLIED' },
      ]);
    });

    it('answers an unusable event once, however often it is delivered', async () => {
      const data = submittedData();
      delete data['priority'];
      const event = partnerEvent('TH-POLICE', EVENT_TYPES.referralSubmitted, data);

      const first = await processor.handle(ctx.record('TH', event));
      const again = await processor.handle(ctx.record('TH', event));

      expect(first).toEqual({ kind: 'rejected', code: 'invalid-data', deadLettered: true });
      expect(again.kind).toBe('duplicate');
      expect(await answersTo(event.id)).toEqual([
        { type: EVENT_TYPES.eventRejected, recipient: 'TH-POLICE', code: 'invalid-data' },
      ]);
      expect(ctx.deadLetters.filter((d) => d.record.value?.includes(event.id))).toHaveLength(1);
    });

    it('tells the whole partner system of an event from a party not of its country', async () => {
      const event = partnerEvent('VN-MPS', EVENT_TYPES.referralSubmitted, submittedData());

      const outcome = await processor.handle(ctx.record('TH', event, { sign: false }));

      expect(outcome).toEqual({ kind: 'rejected', code: 'foreign-source', deadLettered: true });
      expect(await answersTo(event.id)).toEqual([
        { type: EVENT_TYPES.eventRejected, recipient: undefined, code: 'foreign-source' },
      ]);
    });

    it('answers processing-failed when the hub gives up on a readable event', async () => {
      const event = partnerEvent('TH-POLICE', EVENT_TYPES.referralSubmitted, submittedData());
      const record = ctx.record('TH', event);

      const outcome = await processor.giveUp(record, new Error('a defect'));

      expect(outcome).toEqual({ kind: 'rejected', code: 'processing-failed', deadLettered: true });
      expect(await answersTo(event.id)).toEqual([
        { type: EVENT_TYPES.eventRejected, recipient: 'TH-POLICE', code: 'processing-failed' },
      ]);
      expect(ctx.deadLetters.at(-1)).toMatchObject({ code: 'processing-failed' });
    });

    it('does not answer a reused id again, and applies nothing of the second event', async () => {
      const event = partnerEvent('TH-POLICE', EVENT_TYPES.referralSubmitted, submittedData());
      await processor.handle(ctx.record('TH', event));
      const reuse = { ...event, data: submittedData() };

      const outcome = await processor.handle(ctx.record('TH', reuse));

      expect(outcome).toEqual({ kind: 'rejected', code: 'duplicate-event-id', deadLettered: true });
      expect(await answersTo(event.id)).toHaveLength(1);
      const stored = await ctx.query('SELECT 1 FROM referrals WHERE id = $1', [
        reuse.data['referralId'],
      ]);
      expect(stored).toEqual([]);
    });
  });

  describe('the referral rules, as officers meet them', () => {
    it('refuses a victim repatriation without consent (consent-required)', async () => {
      const body = victimReferral('LA-BOKEO-POLICE', (r) => {
        r['victim'].consent.dataSharing = false;
        r['repatriation'].proposedCheckpoint = 'LA-TH-FB1';
      });
      const event = partnerEvent('TH-POLICE', EVENT_TYPES.referralSubmitted, submittedData(body));

      const outcome = await processor.handle(ctx.record('TH', event));

      expect(outcome).toEqual({ kind: 'rejected', code: 'consent-required', deadLettered: false });
      expect(await answersTo(event.id)).toEqual([
        { type: EVENT_TYPES.eventRejected, recipient: 'TH-POLICE', code: 'consent-required' },
      ]);
    });

    it("refuses an event whose recipient is not the referral's other party", async () => {
      const event = partnerEvent('TH-POLICE', EVENT_TYPES.referralSubmitted, submittedData(), {
        recipient: 'LA-BOKEO-DMC',
      });

      const outcome = await processor.handle(ctx.record('TH', event));

      expect(outcome).toMatchObject({ kind: 'rejected', code: 'invalid-envelope' });
      const stored = await ctx.query('SELECT 1 FROM referrals WHERE id = $1', [
        event.data['referralId'],
      ]);
      expect(stored).toEqual([]);
    });

    it('refuses a checkpoint not on the border of the two countries, naming data.checkpoint', async () => {
      const submitted = partnerEvent('TH-POLICE', EVENT_TYPES.referralSubmitted, submittedData());
      await processor.handle(ctx.record('TH', submitted));
      const referralId = submitted.data['referralId'] as string;
      await ctx.query(`UPDATE referrals SET status = 'ACCEPTED' WHERE id = $1`, [referralId]);
      const schedule = partnerEvent(
        'TH-POLICE',
        EVENT_TYPES.referralHandoverScheduled,
        {
          referralId,
          checkpoint: 'LA-VN-DENSAVANH',
          scheduledAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
        { referralseq: 1 },
      );

      const outcome = await processor.handle(ctx.record('TH', schedule));

      expect(outcome).toMatchObject({ kind: 'rejected', code: 'invalid-data' });
      const [rejection] = (await ctx.outboxEvents(toTopic('TH'))).filter(
        (e) => e.causationid === schedule.id,
      );
      expect(rejection?.data['errors']).toEqual([
        expect.objectContaining({ path: 'data.checkpoint' }),
      ]);
    });
  });
});
