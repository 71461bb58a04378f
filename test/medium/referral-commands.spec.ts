import { randomUUID } from 'node:crypto';
import { canonicalDigest, ReferralContent, toTopic, validatePayload } from '@hub/contracts';
import type { LifecycleAction } from '@hub/contracts';
import type { Preconditions } from '../../src/referrals/referral-preconditions';
import {
  ReferralCommands,
  type CommandResult,
  type OfficerActor,
  type PartnerActor,
} from '../../src/referrals/referrals.module';
import { MediumContext } from '../support/medium';
import { suspectReferral, victimReferral } from '../support/referral-fixtures';

const officer: OfficerActor = {
  kind: 'officer',
  party: 'LA-BOKEO-POLICE',
  sub: 'officer-1',
  roles: ['liaison_officer'],
};
const supervisor: OfficerActor = { ...officer, sub: 'chief-1', roles: ['supervisor'] };

function content(body: Record<string, unknown>): ReferralContent {
  const parsed = validatePayload(ReferralContent, body);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

describe(ReferralCommands.name, () => {
  let ctx: MediumContext;
  let commands: ReferralCommands;

  beforeAll(async () => {
    ctx = await MediumContext.start();
    commands = ctx.get(ReferralCommands);
  });
  afterAll(() => ctx?.stop());

  async function draft(body = victimReferral('VN-MPS')): Promise<string> {
    const { referral } = await ctx.run((tx) =>
      commands.execute(tx, officer, { kind: 'create-draft', content: content(body) }),
    );
    return referral!.id;
  }

  /** A lifecycle action by `actor` in a transaction of its own. */
  function act(
    actor: OfficerActor | PartnerActor,
    referralId: string,
    action: LifecycleAction,
    expect: Preconditions = {},
    data: Record<string, unknown> = {},
  ): Promise<CommandResult> {
    return ctx.run((tx) =>
      commands.execute(tx, actor, { kind: 'act', referralId, action, data, expect }),
    );
  }

  async function refusal(work: Promise<unknown>): Promise<Record<string, unknown>> {
    const error = (await work.then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: string; errors?: unknown } | undefined;
    if (error === undefined) throw new Error('expected a refusal');
    return { code: error.code, errors: error.errors };
  }

  describe('create-draft', () => {
    it("records the draft's creation in the audit trail with a digest of its content, never the content", async () => {
      const body = victimReferral('VN-MPS');

      const id = await draft(body);

      const audit = await ctx.query<Record<string, unknown>>(
        `SELECT action, actor_kind, actor, actor_party, actor_roles, state_before, state_after,
                event_id, payload_sha256
           FROM audit_entries WHERE referral_id = $1`,
        [id],
      );
      expect(audit).toEqual([
        {
          action: 'referral.create',
          actor_kind: 'officer',
          actor: 'officer-1',
          actor_party: 'LA-BOKEO-POLICE',
          actor_roles: ['liaison_officer'],
          state_before: null,
          state_after: 'DRAFT',
          event_id: null,
          payload_sha256: canonicalDigest(JSON.parse(JSON.stringify(content(body)))).toString(
            'hex',
          ),
        },
      ]);
    });

    it('keeps neither the draft nor its entry when the transaction rolls back', async () => {
      let id: string | undefined;

      const failed = await refusal(
        ctx.run(async (tx) => {
          const { referral } = await commands.execute(tx, officer, {
            kind: 'create-draft',
            content: content(victimReferral('VN-MPS')),
          });
          id = referral?.id;
          throw Object.assign(new Error('a later write failed'), { code: 'later-write' });
        }),
      );

      expect(failed.code).toBe('later-write');
      expect(id).toEqual(expect.any(String));
      expect(await ctx.query('SELECT 1 FROM referrals WHERE id = $1', [id])).toEqual([]);
      expect(await ctx.query('SELECT 1 FROM audit_entries WHERE referral_id = $1', [id])).toEqual(
        [],
      );
    });
  });

  describe('submit', () => {
    it('numbers the submission 1 and queues the event for the counterpart in the same transaction', async () => {
      const id = await draft();

      const { referral, change } = await act(officer, id, 'submit', { version: 1 });

      expect(referral).toMatchObject({ status: 'SUBMITTED', version: 2, seq: 1 });
      expect(change).toMatchObject({ seq: 1, fromStatus: 'DRAFT', toStatus: 'SUBMITTED' });
      const events = (await ctx.outboxEvents(toTopic('VN'))).filter((e) => e.subject === id);
      expect(events.map((e) => [e.type, e.referralseq, e.recipient])).toEqual([
        ['mrh.referral.submitted.v1', 1, 'VN-MPS'],
      ]);
    });

    it('refuses a victim repatriation without consent and keeps nothing of the attempt', async () => {
      const id = await draft(
        victimReferral('VN-MPS', (r) => {
          r['victim'].consent.dataSharing = false;
        }),
      );

      const refused = await refusal(act(officer, id, 'submit'));

      expect(refused).toMatchObject({
        code: 'consent-required',
        errors: [{ path: 'victim.consent.dataSharing' }],
      });
      const [row] = await ctx.query<{ status: string; seq: number }>(
        'SELECT status, seq FROM referrals WHERE id = $1',
        [id],
      );
      expect(row).toEqual({ status: 'DRAFT', seq: 0 });
      const outbox = await ctx.query('SELECT 1 FROM outbox WHERE referral_id = $1', [id]);
      expect(outbox).toHaveLength(0);
    });

    it("takes a supervisor's override, and records it beside the submission", async () => {
      const id = await draft(
        victimReferral('VN-MPS', (r) => {
          r['victim'].consent.dataSharing = false;
        }),
      );
      const reason = 'The guardian consented in writing; the form follows by post.';

      await ctx.run((tx) =>
        commands.execute(tx, supervisor, {
          kind: 'act',
          referralId: id,
          action: 'submit',
          data: {},
          expect: {},
          consentOverride: { reason },
        }),
      );

      const audit = await ctx.query<{ action: string; outcome: string | null }>(
        'SELECT action, outcome FROM audit_entries WHERE referral_id = $1 ORDER BY id',
        [id],
      );
      expect(audit).toEqual([
        { action: 'referral.create', outcome: null },
        { action: 'referral.submit', outcome: null },
        { action: 'referral.consent-override', outcome: reason },
      ]);
    });

    it('refuses a change made on another version than the one shown (If-Match)', async () => {
      const id = await draft();

      const refused = await refusal(act(officer, id, 'submit', { version: 7 }));

      expect(refused.code).toBe('version-mismatch');
    });
  });

  describe('withdraw', () => {
    it('takes no number for a draft: drafts are unnumbered, and nothing is sent', async () => {
      const id = await draft();

      const { referral } = await act(
        officer,
        id,
        'withdraw',
        {},
        { reason: 'Entered twice by mistake.' },
      );

      expect(referral).toMatchObject({ status: 'WITHDRAWN', seq: 0, version: 2 });
      expect(
        await ctx.query('SELECT seq FROM referral_changes WHERE referral_id = $1', [id]),
      ).toEqual([]);
      expect(await ctx.query('SELECT 1 FROM outbox WHERE referral_id = $1', [id])).toEqual([]);
      const audit = await ctx.query<{ action: string }>(
        'SELECT action FROM audit_entries WHERE referral_id = $1 ORDER BY id',
        [id],
      );
      expect(audit.map((a) => a.action)).toEqual(['referral.create', 'referral.withdraw']);
    });
  });

  describe('receive-referral (a partner system submits)', () => {
    const thai: PartnerActor = { kind: 'partner-system', party: 'TH-POLICE', eventId: '' };

    function received(body: Record<string, unknown>, recipient?: string) {
      const { to, type } = body as { to: string; type: string };
      return {
        kind: 'receive-referral' as const,
        referralId: randomUUID(),
        content: { ...body, to, type },
        submittedAt: new Date(),
        ...(recipient !== undefined && { recipient }),
      };
    }

    it('applies the consent rule officers meet: no consent, no referral', async () => {
      const body = victimReferral('LA-BOKEO-POLICE', (r) => {
        r['victim'].consent.dataSharing = false;
        r['repatriation'].proposedCheckpoint = 'LA-TH-FB1';
      });
      const command = received(body);

      const refused = await refusal(
        ctx.run((tx) => commands.execute(tx, { ...thai, eventId: randomUUID() }, command)),
      );

      expect(refused.code).toBe('consent-required');
      expect(
        await ctx.query('SELECT 1 FROM referrals WHERE id = $1', [command.referralId]),
      ).toEqual([]);
    });

    it('refuses an event addressed to another party than the referral names', async () => {
      const body = suspectReferral('LA-BOKEO-POLICE');
      const command = received(body, 'LA-BOKEO-DMC');

      const refused = await refusal(
        ctx.run((tx) => commands.execute(tx, { ...thai, eventId: randomUUID() }, command)),
      );

      expect(refused).toMatchObject({ code: 'invalid-envelope', errors: [{ path: 'recipient' }] });
    });
  });

  describe('act (a partner system decides)', () => {
    const vietnam = (): PartnerActor => ({
      kind: 'partner-system',
      party: 'VN-MPS',
      eventId: randomUUID(),
    });

    async function submitted(): Promise<string> {
      const id = await draft();
      await act(officer, id, 'submit');
      return id;
    }

    it('applies a decision taken on the latest number and queues the receipt with it', async () => {
      const id = await submitted();
      const actor = vietnam();

      await act(actor, id, 'acknowledge', { referralseq: 1, recipient: 'LA-BOKEO-POLICE' });

      const receipts = (await ctx.outboxEvents(toTopic('VN'))).filter(
        (e) => e.causationid === actor.eventId,
      );
      expect(receipts.map((e) => [e.type, e.referralseq, e.data['status']])).toEqual([
        ['mrh.receipt.v1', 2, 'APPLIED'],
      ]);
    });

    it('refuses a decision on a number the referral has moved past (stale-state)', async () => {
      const id = await submitted();
      await act(vietnam(), id, 'acknowledge', { referralseq: 1 });

      const refused = await refusal(act(vietnam(), id, 'accept', { referralseq: 1 }));

      expect(refused.code).toBe('stale-state');
    });

    it('refuses a decision addressed to someone else than the referral’s other party', async () => {
      const id = await submitted();

      const refused = await refusal(
        act(vietnam(), id, 'acknowledge', { referralseq: 1, recipient: 'LA-BOKEO-DMC' }),
      );

      expect(refused).toMatchObject({ code: 'invalid-envelope', errors: [{ path: 'recipient' }] });
    });

    it('hides a referral of other parties (the same 404 as an unknown id)', async () => {
      const id = await submitted();
      const thai: PartnerActor = { kind: 'partner-system', party: 'TH-POLICE', eventId: '' };

      const refused = await refusal(act(thai, id, 'acknowledge', { referralseq: 1 }));

      expect(refused.code).toBe('referral-not-found');
    });
  });

  describe('confirm-delivery (a partner system received a hub event)', () => {
    it('marks the change delivered and records who confirmed it, once', async () => {
      const id = await draft();
      const { change } = await act(officer, id, 'submit');
      const receipt = (): PartnerActor => ({
        kind: 'partner-system',
        party: 'VN-MPS',
        eventId: randomUUID(),
      });
      const first = receipt();
      const confirm = (actor: PartnerActor): Promise<CommandResult> =>
        ctx.run((tx) =>
          commands.execute(tx, actor, { kind: 'confirm-delivery', eventId: change!.eventId }),
        );

      await confirm(first);
      await confirm(receipt());

      const [delivered] = await ctx.query<{ delivered: boolean }>(
        'SELECT delivered_at IS NOT NULL AS delivered FROM referral_changes WHERE referral_id = $1',
        [id],
      );
      expect(delivered).toEqual({ delivered: true });
      const audit = await ctx.query<Record<string, unknown>>(
        `SELECT action, actor, actor_party, state_after, event_id FROM audit_entries
          WHERE referral_id = $1 AND action = 'referral.delivery-confirmed'`,
        [id],
      );
      expect(audit).toEqual([
        {
          action: 'referral.delivery-confirmed',
          actor: 'partner-system:VN',
          actor_party: 'VN-MPS',
          state_after: 'SUBMITTED',
          event_id: first.eventId,
        },
      ]);
    });
  });
});
