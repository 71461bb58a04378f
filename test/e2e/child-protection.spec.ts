import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Officer } from '../support/hub-client';
import { partnerSubmission } from '../support/partner-events';
import { victimReferral, victimReferralFromThailand } from '../support/referral-fixtures';
import { TestPartner } from '../support/test-partner';
import { startTestApp } from '../support/test-app';

/** The contract's example victim is 16; this one is 30. */
const adult = (r: Record<string, any>): void => {
  r['person'].birthDate = '1996-03-14';
  delete r['victim'].guardian;
};

describe('children: need to know (real broker, real database)', () => {
  let app: NestFastifyApplication;
  let th: TestPartner;
  let officer: Officer;
  let protector: Officer;
  let supervisor: Officer;
  let auditor: Officer;

  beforeAll(async () => {
    app = await startTestApp();
    th = await TestPartner.start('TH');
    officer = await Officer.of(app, 'LA-BOKEO-POLICE', ['liaison_officer'], 'khamla');
    protector = await Officer.of(
      app,
      'LA-BOKEO-POLICE',
      ['liaison_officer', 'child_protection'],
      'child-desk-noy',
    );
    supervisor = await Officer.of(app, 'LA-BOKEO-POLICE', ['supervisor'], 'chief-vilay');
    auditor = await Officer.of(app, 'LA-PDPCHT', ['auditor'], 'inspector-1');
  }, 120_000);

  afterAll(async () => {
    await th?.stop();
    await app?.close();
  });

  async function readsOf(id: string): Promise<string[]> {
    const res = await auditor.get(`/v1/referrals/${id}/history`);
    expect(res.status).toBe(200);
    return res.body.items
      .map((i: { entry: { action: string; actor: string } }) => i.entry)
      .filter((e: { action: string }) => e.action === 'referral.read')
      .map((e: { actor: string }) => e.actor);
  }

  it("shows a child's identity at the sending party only to officers with child_protection; the others see the case", async () => {
    const id = await protector.send(
      victimReferral('TH-POLICE', (r) => {
        r['repatriation'].proposedCheckpoint = 'LA-TH-FB4';
      }),
    );

    const plain = await officer.get(`/v1/referrals/${id}`);
    const boss = await supervisor.get(`/v1/referrals/${id}`);
    const cleared = await protector.get(`/v1/referrals/${id}`);

    for (const res of [plain, boss]) {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        personalData: 'child-protected',
        status: 'SUBMITTED',
        direction: 'outbound',
        availableActions: ['withdraw'],
      });
      expect(res.body.content).toBeUndefined();
    }
    expect(cleared.body.personalData).toBeUndefined();
    expect(cleared.body.content.person.birthDate).toBe('2010-05-21');
    // Every read of her data is logged (the answers to creating and submitting carried it too);
    // the two officers who saw none of it left no read.
    expect(await readsOf(id)).toEqual(['child-desk-noy', 'child-desk-noy', 'child-desk-noy']);
  });

  it("protects a child a partner refers to the receiving party the same way, and logs every read of the child's data, answers to changes included", async () => {
    const content = victimReferralFromThailand();
    const submit = partnerSubmission('TH-POLICE', content);
    const { referralId } = submit.data;
    await th.publish(submit);
    await th.waitForAnswer(submit.id);

    const acknowledged = await officer.act(referralId, 'acknowledge', {
      receiverReference: 'BK-1',
    });
    const accepted = await protector.act(referralId, 'accept', { note: 'We will receive her.' });

    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({
      status: 'ACKNOWLEDGED',
      personalData: 'child-protected',
    });
    expect(acknowledged.body.content).toBeUndefined();
    expect(accepted.status).toBe(200);
    expect(accepted.body.content.person.names).toEqual(
      (content['person'] as { names: unknown }).names,
    );
    expect(await readsOf(referralId)).toEqual(['child-desk-noy']);
  });

  it('shows an adult to every officer of the party, as before', async () => {
    const id = await officer.send(
      victimReferral('TH-POLICE', (r) => {
        adult(r);
        r['repatriation'].proposedCheckpoint = 'LA-TH-FB4';
      }),
    );

    const res = await officer.get(`/v1/referrals/${id}`);

    expect(res.body.personalData).toBeUndefined();
    expect(res.body.content.person.birthDate).toBe('1996-03-14');
  });

  it('does not let the child-protection role alone see anything', async () => {
    const id = await protector.send(
      victimReferral('TH-POLICE', (r) => {
        r['repatriation'].proposedCheckpoint = 'LA-TH-FB4';
      }),
    );
    const only = await Officer.of(app, 'LA-BOKEO-POLICE', ['child_protection'], 'cp-only');

    expect((await only.get(`/v1/referrals/${id}`)).status).toBe(403);
    expect((await only.get('/v1/referrals')).status).toBe(403);
  });
});
