import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_TYPES } from '@hub/contracts';
import { Transactions } from '../../src/database/transactions';
import { Officer } from '../support/hub-client';
import { partnerEvent, partnerSubmission } from '../support/partner-events';
import {
  somePerson,
  suspectReferral,
  victimReferral,
  victimReferralFromThailand,
} from '../support/referral-fixtures';
import { TestPartner } from '../support/test-partner';
import { startTestApp } from '../support/test-app';

const TODAY = new Date().toISOString().slice(0, 10);
const ATTACHMENT = {
  name: 'statement.pdf',
  mediaType: 'application/pdf',
  size: 18_204,
  sha256: 'b'.repeat(64),
};

describe("a victim's consent withdrawn (real broker, real database)", () => {
  let app: NestFastifyApplication;
  let vn: TestPartner;
  let th: TestPartner;
  let bokeo: Officer;
  let chief: Officer;
  let auditor: Officer;

  beforeAll(async () => {
    app = await startTestApp();
    vn = await TestPartner.start('VN');
    th = await TestPartner.start('TH');
    bokeo = await Officer.of(app, 'LA-BOKEO-POLICE', ['liaison_officer'], 'khamla');
    chief = await Officer.of(app, 'LA-BOKEO-POLICE', ['supervisor'], 'chief-vilay');
    auditor = await Officer.of(app, 'LA-PDPCHT', ['auditor'], 'inspector-1');
  }, 120_000);

  afterAll(async () => {
    await th?.stop();
    await vn?.stop();
    await app?.close();
  });

  async function historyOf(id: string): Promise<{ action: string; eventId?: string }[]> {
    const res = await auditor.get(`/v1/referrals/${id}/history`);
    expect(res.status).toBe(200);
    return res.body.items.map((i: { entry: { action: string; eventId?: string } }) => i.entry);
  }

  async function indexRows(id: string): Promise<{ bytes: number; keyId: string }[]> {
    return app
      .get(Transactions)
      .query(
        `SELECT octet_length(token) AS bytes, key_id AS "keyId" FROM consent_person_index WHERE referral_id = $1`,
        [id],
      );
  }

  it('tells the partner at once, without the person, and its DELIVERED receipt is the evidence in the trail', async () => {
    const person = somePerson();
    const id = await bokeo.send(victimReferral('VN-MPS', person.edit));
    await vn.waitForEvent(id, EVENT_TYPES.referralSubmitted);

    const res = await bokeo.post(`/v1/referrals/${id}/consent/withdrawal`, {
      withdrawnBy: 'GUARDIAN',
      withdrawnOn: TODAY,
      note: 'Stated by her mother at the shelter, with a social worker present.',
    });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      referralSeq: 2,
      consent: {
        state: 'WITHDRAWN',
        withdrawnBy: 'GUARDIAN',
        withdrawnOn: TODAY,
        recordedBy: 'LA-BOKEO-POLICE',
      },
    });
    expect(res.body.content).toBeDefined();
    const told = await vn.waitForEvent(id, EVENT_TYPES.referralConsentWithdrawn);
    expect(told).toMatchObject({
      referralseq: 2,
      source: '/parties/LA-BOKEO-POLICE',
      recipient: 'VN-MPS',
      data: { referralId: id, withdrawnBy: 'GUARDIAN', withdrawnOn: TODAY },
    });
    expect(JSON.stringify(told)).not.toContain(person.passport);
    expect(JSON.stringify(told)).not.toContain('Nguyễn');
    // The person is indexed by keyed hashes only: 32 bytes each, nothing in clear.
    const rows = await indexRows(id);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => r.bytes === 32)).toBe(true);

    await vn.publish(
      partnerEvent('VN-MPS', EVENT_TYPES.receipt, { eventId: told.id, status: 'DELIVERED' }),
    );

    const deadline = Date.now() + 30_000;
    let history = await historyOf(id);
    while (!history.some((e) => e.action === 'referral.delivery-confirmed')) {
      if (Date.now() > deadline) throw new Error('the DELIVERED receipt was not recorded');
      await new Promise((r) => setTimeout(r, 200));
      history = await historyOf(id);
    }
    expect(history.map((e) => e.action)).toEqual(
      expect.arrayContaining(['referral.withdraw-consent', 'referral.delivery-confirmed']),
    );
  });

  it('refuses what would disclose more until a supervisor restores consent, then allows it again', async () => {
    const person = somePerson();
    const id = await bokeo.send(victimReferral('VN-MPS', person.edit));
    await bokeo.post(`/v1/referrals/${id}/consent/withdrawal`, {
      withdrawnBy: 'VICTIM',
      withdrawnOn: TODAY,
    });
    // The same woman referred again by another officer: names in the other order, no diacritics.
    const again = await bokeo.createDraft(
      victimReferral('VN-MPS', (r) => {
        person.edit(r);
        const [latin] = r['person'].names;
        const plain = (text: string): string => text.normalize('NFD').replace(/\p{M}/gu, '');
        r['person'].names = [
          { script: 'Latn', given: plain(latin.family), family: plain(latin.given) },
        ];
        r['person'].documents = [];
      }),
    );

    const withFile = await bokeo.post(`/v1/referrals/${id}/messages`, {
      language: 'en',
      body: 'Her statement is attached.',
      attachments: [ATTACHMENT],
    });
    const plain = await bokeo.post(`/v1/referrals/${id}/messages`, {
      language: 'en',
      body: 'We will keep you informed of the case.',
    });
    const resubmit = await bokeo.post(`/v1/referrals/${again}/submit`, {});
    const byOfficer = await bokeo.post(`/v1/referrals/${id}/consent/restoration`, {
      restoredOn: TODAY,
      note: 'She agreed again.',
    });

    expect(withFile.status).toBe(409);
    expect(withFile.body).toMatchObject({ code: 'consent-withdrawn' });
    expect(plain.status).toBe(201);
    expect(resubmit.status).toBe(409);
    expect(resubmit.body).toMatchObject({ code: 'consent-withdrawn' });
    expect(resubmit.body.detail).toContain('another referral');
    expect(byOfficer.status).toBe(403);
    const queued = await app
      .get(Transactions)
      .query(`SELECT 1 FROM outbox WHERE referral_id = $1`, [again]);
    expect(queued).toEqual([]);

    const restored = await chief.post(`/v1/referrals/${id}/consent/restoration`, {
      restoredOn: TODAY,
      note: 'She agreed again after counselling, in writing.',
    });

    expect(restored.status).toBe(200);
    expect(restored.body.consent).toEqual({ state: 'GIVEN' });
    expect(await indexRows(id)).toEqual([]);
    const lifted = await vn.waitForEvent(id, EVENT_TYPES.referralConsentRestored);
    expect(lifted.data).toMatchObject({ referralId: id, restoredOn: TODAY });
    expect(vn.eventsOf(id).map((e) => e.type)).toEqual([
      EVENT_TYPES.referralSubmitted,
      EVENT_TYPES.referralConsentWithdrawn,
      EVENT_TYPES.messagePosted,
      EVENT_TYPES.referralConsentRestored,
    ]);
    expect((await bokeo.post(`/v1/referrals/${again}/submit`, {})).status).toBe(200);
    const nowWithFile = await bokeo.post(`/v1/referrals/${id}/messages`, {
      language: 'en',
      body: 'Her statement is attached.',
      attachments: [ATTACHMENT],
    });
    expect(nowWithFile.status).toBe(201);
  });

  it("keeps a draft's withdrawal private, and refuses to submit the draft while it holds", async () => {
    const id = await bokeo.createDraft(victimReferral('VN-MPS', somePerson().edit));

    const res = await bokeo.post(`/v1/referrals/${id}/consent/withdrawal`, {
      withdrawnBy: 'VICTIM',
      withdrawnOn: TODAY,
    });
    const submit = await bokeo.post(`/v1/referrals/${id}/submit`, {});
    // Not even a supervisor's override of missing consent submits past a withdrawal.
    const override = await chief.post(`/v1/referrals/${id}/submit`, {
      consentOverride: { reason: 'Urgent protection need.' },
    });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ referralSeq: 0, consent: { state: 'WITHDRAWN' } });
    expect(submit.status).toBe(409);
    expect(submit.body).toMatchObject({ code: 'consent-withdrawn' });
    expect(override.status).toBe(409);
    expect(override.body).toMatchObject({ code: 'consent-withdrawn' });
    const queued = await app
      .get(Transactions)
      .query(`SELECT 1 FROM outbox WHERE referral_id = $1`, [id]);
    expect(queued).toEqual([]);
  });

  it("applies a partner's withdrawal on its own referral: the Lao side sees it restricted, and only the partner restores it", async () => {
    const person = somePerson();
    const content = victimReferralFromThailand(person.edit);
    const submit = partnerSubmission('TH-POLICE', content);
    const { referralId } = submit.data;
    await th.publish(submit);
    await th.waitForAnswer(submit.id);

    const withdrawal = partnerEvent(
      'TH-POLICE',
      EVENT_TYPES.referralConsentWithdrawn,
      { referralId, withdrawnBy: 'VICTIM', withdrawnOn: TODAY },
      { referralseq: 1 },
    );
    await th.publish(withdrawal);
    const receipt = await th.waitForAnswer(withdrawal.id);
    const seen = await bokeo.get(`/v1/referrals/${referralId}`);
    const restoreHere = await chief.post(`/v1/referrals/${referralId}/consent/restoration`, {
      restoredOn: TODAY,
      note: 'Not ours to restore.',
    });
    const withFile = await bokeo.post(`/v1/referrals/${referralId}/messages`, {
      language: 'lo',
      body: 'ເອກະສານຕິດຄັດມາ',
      attachments: [ATTACHMENT],
    });
    const acknowledged = await bokeo.act(referralId, 'acknowledge', {});

    expect(receipt).toMatchObject({
      type: EVENT_TYPES.receipt,
      referralseq: 2,
      data: { status: 'APPLIED' },
    });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({
      personalData: 'restricted',
      consent: { state: 'WITHDRAWN', recordedBy: 'TH-POLICE' },
      availableActions: ['acknowledge'],
    });
    expect(seen.body.content).toBeUndefined();
    expect(restoreHere.status).toBe(403);
    expect(restoreHere.body).toMatchObject({ code: 'not-your-turn' });
    expect(withFile.status).toBe(409);
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body.content).toBeUndefined();
    expect(acknowledged.body.personalData).toBe('restricted');

    const restore = partnerEvent(
      'TH-POLICE',
      EVENT_TYPES.referralConsentRestored,
      { referralId, restoredOn: TODAY, note: 'Consent given again before the hand-over.' },
      { referralseq: 3 },
    );
    await th.publish(restore);
    expect(await th.waitForAnswer(restore.id)).toMatchObject({ type: EVENT_TYPES.receipt });
    const after = await bokeo.get(`/v1/referrals/${referralId}`);
    expect(after.body.personalData).toBeUndefined();
    expect(after.body.content).toMatchObject({ person: content['person'] as object });
  });

  it("refuses a partner's new referral of a person whose consent is withdrawn here", async () => {
    const person = somePerson();
    const id = await bokeo.send(
      victimReferral('TH-POLICE', (r) => {
        person.edit(r);
        r['repatriation'].proposedCheckpoint = 'LA-TH-FB4';
      }),
    );
    await bokeo.post(`/v1/referrals/${id}/consent/withdrawal`, {
      withdrawnBy: 'VICTIM',
      withdrawnOn: TODAY,
    });
    const submit = partnerSubmission('TH-POLICE', victimReferralFromThailand(person.edit));
    const { referralId } = submit.data;

    await th.publish(submit);

    expect(await th.waitForAnswer(submit.id)).toMatchObject({
      type: EVENT_TYPES.eventRejected,
      data: { eventId: submit.id, code: 'consent-withdrawn' },
    });
    expect((await bokeo.get(`/v1/referrals/${referralId}`)).status).toBe(404);
  });

  it('refuses a consent change the referral cannot take, with a specific code', async () => {
    const suspect = await bokeo.send(suspectReferral('CN-MPS'));
    const id = await bokeo.send(victimReferral('VN-MPS', somePerson().edit));

    const onSuspect = await bokeo.post(`/v1/referrals/${suspect}/consent/withdrawal`, {
      withdrawnBy: 'VICTIM',
      withdrawnOn: TODAY,
    });
    const badBody = await bokeo.post(`/v1/referrals/${id}/consent/withdrawal`, {
      withdrawnBy: 'POLICE',
      withdrawnOn: '2999-01-01',
    });
    const notWithdrawn = await chief.post(`/v1/referrals/${id}/consent/restoration`, {
      restoredOn: TODAY,
      note: 'Nothing to restore.',
    });
    await bokeo.post(`/v1/referrals/${id}/consent/withdrawal`, {
      withdrawnBy: 'VICTIM',
      withdrawnOn: TODAY,
    });
    const twice = await bokeo.post(`/v1/referrals/${id}/consent/withdrawal`, {
      withdrawnBy: 'VICTIM',
      withdrawnOn: TODAY,
    });
    const fromPartner = partnerEvent(
      'VN-MPS',
      EVENT_TYPES.referralConsentRestored,
      { referralId: id, restoredOn: TODAY, note: 'We restore it.' },
      { referralseq: 2 },
    );
    await vn.publish(fromPartner);

    expect(onSuspect.status).toBe(409);
    expect(onSuspect.body).toMatchObject({ code: 'invalid-transition' });
    expect(badBody.status).toBe(400);
    expect(badBody.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'withdrawnBy',
      'withdrawnOn',
    ]);
    expect(notWithdrawn.status).toBe(409);
    expect(notWithdrawn.body).toMatchObject({ code: 'invalid-transition' });
    expect(twice.status).toBe(409);
    expect(await vn.waitForAnswer(fromPartner.id)).toMatchObject({
      type: EVENT_TYPES.eventRejected,
      data: { code: 'not-your-turn' },
    });
  });
});
