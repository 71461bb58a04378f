import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_TYPES } from '@hub/contracts';
import { Officer } from '../support/hub-client';
import { partnerEvent } from '../support/partner-events';
import { victimReferral } from '../support/referral-fixtures';
import { TestPartner } from '../support/test-partner';
import { startTestApp } from '../support/test-app';

/** Strings in the five scripts, with combining marks, emoji and Latin mixed in. */
const TEXTS = {
  lo: 'ສະບາຍດີ ເອື້ອຍ — ນາງ ຮວາ ພ້ອມເດີນທາງ ວັນທີ 10 🙏',
  th: 'สวัสดีครับ ผู้เสียหายปลอดภัยแล้ว ✅ (Chiang Khong)',
  km: 'សួស្តី! ជនរងគ្រោះ​មាន​សុវត្ថិភាព 👍🏽',
  // Decomposed on purpose: stored and delivered in NFC.
  vi: 'Xin chào, gia đình bà Tra\u0302\u0300n Thi\u0323 Lan đã xác nhận. 👨‍👩‍👧',
  zh: '你好，王伟已被拘留。嫌疑人 Wang Wei 将在磨憨移交 🚓',
};

describe('case messages (real broker, real database)', () => {
  let app: NestFastifyApplication;
  let vn: TestPartner;
  let bokeo: Officer;

  beforeAll(async () => {
    app = await startTestApp();
    vn = await TestPartner.start('VN');
    bokeo = await Officer.of(app, 'LA-BOKEO-POLICE', ['liaison_officer'], 'khamla');
  });

  afterAll(async () => {
    await vn?.stop();
    await app?.close();
  });

  it.each(Object.entries(TEXTS))(
    'carries a Lao officer\'s message in "%s" to the partner byte-exact (NFC), numbered in order',
    async (language, text) => {
      const id = await bokeo.send(victimReferral('VN-MPS'));

      const res = await bokeo.post(`/v1/referrals/${id}/messages`, { language, body: text });

      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        body: text.normalize('NFC'),
        seq: 2,
        state: 'sent',
        direction: 'outbound',
      });
      const event = await vn.waitForEvent(id, EVENT_TYPES.messagePosted);
      expect(event).toMatchObject({
        referralseq: 2,
        recipient: 'VN-MPS',
        source: '/parties/LA-BOKEO-POLICE',
      });
      expect(event.data).toMatchObject({
        referralId: id,
        messageId: res.body.id,
        author: 'khamla',
        language,
      });
      expect(
        Buffer.from(event.data['body'] as string, 'utf8').equals(
          Buffer.from(text.normalize('NFC'), 'utf8'),
        ),
      ).toBe(true);
    },
  );

  it('turns a message delivered when the partner confirms it, and keeps order with lifecycle steps', async () => {
    const id = await bokeo.send(victimReferral('VN-MPS'));
    await bokeo.post(`/v1/referrals/${id}/messages`, { language: 'lo', body: TEXTS.lo });
    const posted = await vn.waitForEvent(id, EVENT_TYPES.messagePosted);

    await vn.publish(
      partnerEvent(
        'VN-MPS',
        EVENT_TYPES.receipt,
        { eventId: posted.id, status: 'DELIVERED' },
        { subject: id },
      ),
    );
    await vn.act('VN-MPS', EVENT_TYPES.referralAcknowledged, { referralId: id }, 2);

    const list = await bokeo.get(`/v1/referrals/${id}/messages`);
    expect(list.body.items).toEqual([expect.objectContaining({ seq: 2, state: 'delivered' })]);
    expect(vn.eventsOf(id).map((e) => [e.referralseq, e.type])).toEqual([
      [1, EVENT_TYPES.referralSubmitted],
      [2, EVENT_TYPES.messagePosted],
      [3, EVENT_TYPES.receipt],
    ]);
  });

  it("applies a partner's messages in all five scripts, exact, and marks them read when an officer fetches them", async () => {
    const id = await bokeo.send(victimReferral('VN-MPS'));
    await vn.waitForEvent(id, EVENT_TYPES.referralSubmitted);
    const sent = [];
    let seen = 1;
    for (const [language, text] of Object.entries(TEXTS)) {
      const event = partnerEvent(
        'VN-MPS',
        EVENT_TYPES.messagePosted,
        { referralId: id, messageId: randomUUID(), author: 'Lt. Pham', language, body: text },
        { referralseq: seen },
      );
      await vn.publish(event);
      const receipt = await vn.waitForAnswer(event.id);
      expect(receipt).toMatchObject({ type: EVENT_TYPES.receipt, referralseq: seen + 1 });
      seen += 1;
      sent.push({ language, body: text.normalize('NFC') });
    }

    const first = await bokeo.get(`/v1/referrals/${id}/messages`);
    const again = await bokeo.get(`/v1/referrals/${id}/messages`);

    expect(first.body.items.map((m: any) => ({ language: m.language, body: m.body }))).toEqual(
      sent,
    );
    expect(
      first.body.items.every((m: any) => m.direction === 'inbound' && m.author === 'Lt. Pham'),
    ).toBe(true);
    expect(again.body.items.every((m: any) => m.state === 'read' && m.readAt !== null)).toBe(true);
  });

  it('pages through messages with a cursor', async () => {
    const id = await bokeo.send(victimReferral('VN-MPS'));
    for (let i = 0; i < 5; i++)
      await bokeo.post(`/v1/referrals/${id}/messages`, { language: 'en', body: `note ${i}` });

    const page1 = await bokeo.get(`/v1/referrals/${id}/messages?limit=3`);
    const page2 = await bokeo.get(
      `/v1/referrals/${id}/messages?limit=3&cursor=${page1.body.nextCursor}`,
    );

    expect([...page1.body.items, ...page2.body.items].map((m: any) => m.body)).toEqual([
      'note 0',
      'note 1',
      'note 2',
      'note 3',
      'note 4',
    ]);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('refuses a party that is not on the referral, and an invalid message', async () => {
    const id = await bokeo.send(victimReferral('VN-MPS'));
    const dmc = await Officer.of(app, 'LA-BOKEO-DMC');

    expect(
      (await dmc.post(`/v1/referrals/${id}/messages`, { language: 'lo', body: 'hello' })).status,
    ).toBe(404);
    expect((await dmc.get(`/v1/referrals/${id}/messages`)).status).toBe(404);
    const bad = await bokeo.post(`/v1/referrals/${id}/messages`, {
      language: 'not a tag!',
      body: '',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['body', 'language']);
  });
});
