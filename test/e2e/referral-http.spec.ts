import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Officer } from '../support/hub-client';
import { victimReferral } from '../support/referral-fixtures';
import { startTestApp } from '../support/test-app';

describe('the referral HTTP API', () => {
  let app: NestFastifyApplication;
  let bokeo: Officer;

  beforeAll(async () => {
    app = await startTestApp();
    // Cleared for children too: the contract's example victim is 16.
    bokeo = await Officer.of(app, 'LA-BOKEO-POLICE', ['liaison_officer', 'child_protection']);
  });

  afterAll(async () => {
    await app?.close();
  });

  async function countOwnReferrals(): Promise<number> {
    let count = 0;
    let cursor: string | null = null;
    do {
      const page: any = await bokeo.get(
        `/v1/referrals?direction=outbound&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      );
      count += page.body.items.length;
      cursor = page.body.nextCursor;
    } while (cursor);
    return count;
  }

  describe('Idempotency-Key', () => {
    it('answers a retry with the first response and creates nothing', async () => {
      const body = victimReferral();
      const key = `retry-${Date.now()}`;
      const before = await countOwnReferrals();

      const first = await bokeo.post('/v1/referrals', body, { 'idempotency-key': key });
      const second = await bokeo.post('/v1/referrals', body, { 'idempotency-key': key });

      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
      expect(second.headers['idempotency-replayed']).toBe('true');
      expect(await countOwnReferrals()).toBe(before + 1);
    });

    it('gives concurrent retries one referral between them', async () => {
      const body = victimReferral();
      const key = `burst-${Date.now()}`;

      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          bokeo.post('/v1/referrals', body, { 'idempotency-key': key }),
        ),
      );

      expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201]));
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    });

    it('refuses the same key with another body with 422', async () => {
      const key = `reuse-${Date.now()}`;
      await bokeo.post('/v1/referrals', victimReferral(), { 'idempotency-key': key });

      const res = await bokeo.post('/v1/referrals', victimReferral(), { 'idempotency-key': key });

      expect(res.status).toBe(422);
      expect(res.body.code).toBe('idempotency-key-reused');
    });

    it('answers a retried lifecycle action with its first answer, not 409', async () => {
      const id = (await bokeo.post('/v1/referrals', victimReferral())).body.id;
      const key = `submit-${id}`;

      const first = await bokeo.post(`/v1/referrals/${id}/submit`, {}, { 'idempotency-key': key });
      const retry = await bokeo.post(`/v1/referrals/${id}/submit`, {}, { 'idempotency-key': key });
      const withoutKey = await bokeo.post(`/v1/referrals/${id}/submit`, {});

      expect(first.status).toBe(200);
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers['idempotency-replayed']).toBe('true');
      expect(withoutKey.status).toBe(409);
      expect((await bokeo.get(`/v1/referrals/${id}`)).body).toMatchObject({
        version: 2,
        referralSeq: 1,
      });
    });

    it('posts a retried case message once', async () => {
      const id = (await bokeo.post('/v1/referrals', victimReferral())).body.id;
      await bokeo.post(`/v1/referrals/${id}/submit`, {});
      const message = { language: 'lo', body: 'ພວກເຮົາກຳລັງກະກຽມການສົ່ງກັບ.' };
      const key = `message-${id}`;

      const first = await bokeo.post(`/v1/referrals/${id}/messages`, message, {
        'idempotency-key': key,
      });
      const retry = await bokeo.post(`/v1/referrals/${id}/messages`, message, {
        'idempotency-key': key,
      });
      const other = await bokeo.post(
        `/v1/referrals/${id}/messages`,
        { ...message, body: 'Another message.' },
        { 'idempotency-key': key },
      );

      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(other.status).toBe(422);
      const thread = await bokeo.get(`/v1/referrals/${id}/messages`);
      expect(thread.body.items).toHaveLength(1);
    });
  });

  describe('If-Match', () => {
    it('refuses an action on a version the caller has not seen with 412, and allows the current one', async () => {
      const id = await bokeo.createDraft(victimReferral());
      const draft = await bokeo.get(`/v1/referrals/${id}`);
      expect(draft.headers['etag']).toBe('"1"');

      const stale = await bokeo.post(`/v1/referrals/${id}/submit`, {}, { 'if-match': '"7"' });
      const current = await bokeo.post(`/v1/referrals/${id}/submit`, {}, { 'if-match': '"1"' });

      expect(stale.status).toBe(412);
      expect(stale.body.code).toBe('version-mismatch');
      expect(current.status).toBe(200);
      expect(current.headers['etag']).toBe('"2"');
    });
  });

  describe('validation', () => {
    it.each<[string, string, (r: Record<string, any>) => void]>([
      ['an unregistered counterpart', 'to', (r) => (r['to'] = 'VN-NOBODY')],
      ['a referral to oneself', 'to', (r) => (r['to'] = 'LA-BOKEO-POLICE')],
      [
        'a checkpoint that is not on that border',
        'repatriation.proposedCheckpoint',
        (r) => (r['repatriation'].proposedCheckpoint = 'LA-TH-FB4'),
      ],
      [
        'an unregistered checkpoint',
        'repatriation.proposedCheckpoint',
        (r) => (r['repatriation'].proposedCheckpoint = 'LA-VN-NOWHERE'),
      ],
      ['a minor without a guardian', 'victim.guardian', (r) => delete r['victim'].guardian],
      [
        'no name in Latin script',
        'person.names',
        (r) => (r['person'].names = [r['person'].names[1]]),
      ],
      [
        'an unknown script',
        'person.names[0].script',
        (r) => (r['person'].names[0].script = 'Xxxx'),
      ],
      [
        'a date that does not exist',
        'person.birthDate',
        (r) => (r['person'].birthDate = '2026-02-30'),
      ],
      ['an unknown country', 'person.nationality', (r) => (r['person'].nationality = 'XX')],
      ['an unknown field', 'secretNotes', (r) => (r['secretNotes'] = 'x')],
      ['an unknown type', 'type', (r) => (r['type'] = 'EXTRADITION')],
      [
        'a suspect section on a victim repatriation',
        'suspect',
        (r) => (r['suspect'] = { role: 'RECRUITER' }),
      ],
    ])('refuses %s, naming %s, and stores nothing', async (_what, path, edit) => {
      const before = await countOwnReferrals();

      const res = await bokeo.post('/v1/referrals', victimReferral('VN-MPS', edit));

      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('validation-failed');
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      expect(await countOwnReferrals()).toBe(before);
    });

    it('refuses a body over 256 KiB with 413', async () => {
      const res = await bokeo.post(
        '/v1/referrals',
        victimReferral('VN-MPS', (r) => (r['summary'] = 'x'.repeat(300_000))),
      );

      expect(res.status).toBe(413);
      expect(res.body.code).toBe('payload-too-large');
    });

    it('stores names exactly, in Unicode NFC', async () => {
      const decomposed = 'Nguye\u0302\u0303n';
      const id = await bokeo.createDraft(
        victimReferral('VN-MPS', (r) => (r['person'].names[0].family = decomposed)),
      );

      const res = await bokeo.get(`/v1/referrals/${id}`);

      expect(res.body.content.person.names[0].family).toBe('Nguyễn');
      expect(res.body.content.person.names[0].family).toBe(decomposed.normalize('NFC'));
      expect(res.body.content.person.names[1]).toEqual({
        script: 'Laoo',
        given: 'ທິ ຮວາ',
        family: 'ງຸຍເອັນ',
      });
    });
  });

  describe('consent', () => {
    const withoutConsent = (): Record<string, unknown> =>
      victimReferral('VN-MPS', (r) => (r['victim'].consent.dataSharing = false));

    it('refuses to submit without consent to share data', async () => {
      const id = await bokeo.createDraft(withoutConsent());

      const res = await bokeo.act(id, 'submit', {});

      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        code: 'consent-required',
        errors: [{ path: 'victim.consent.dataSharing' }],
      });
      expect((await bokeo.get(`/v1/referrals/${id}`)).body.status).toBe('DRAFT');
    });

    it('lets a supervisor submit with a recorded override, but not a liaison officer', async () => {
      const id = await bokeo.createDraft(withoutConsent());
      const supervisor = await Officer.of(app, 'LA-BOKEO-POLICE', ['supervisor'], 'chief-bokeo');
      const override = {
        consentOverride: {
          reason: 'Victim is 16 and her mother, the guardian, consented in writing.',
        },
      };

      const refused = await bokeo.act(id, 'submit', override);
      const allowed = await supervisor.act(id, 'submit', override);

      expect(refused.status).toBe(403);
      expect(allowed.status).toBe(200);
      expect(allowed.body.status).toBe('SUBMITTED');
    });
  });

  describe('who sees what', () => {
    it('hides a referral from parties that are not on it (404, not 403)', async () => {
      const id = await bokeo.send(victimReferral('VN-MPS'));
      const dmc = await Officer.of(app, 'LA-BOKEO-DMC');
      const thai = await Officer.of(app, 'TH-POLICE');

      expect((await dmc.get(`/v1/referrals/${id}`)).status).toBe(404);
      expect((await thai.get(`/v1/referrals/${id}`)).status).toBe(404);
      expect((await dmc.act(id, 'withdraw', { reason: 'not mine' })).status).toBe(404);
      const list = await dmc.get('/v1/referrals?limit=100');
      expect(list.body.items.map((r: any) => r.id)).not.toContain(id);
    });

    it('keeps drafts private to their sender', async () => {
      const protection = await Officer.of(app, 'LA-PROTECTION-CENTRE');
      const id = await bokeo.createDraft(
        victimReferral('LA-PROTECTION-CENTRE', (r) => {
          r['repatriation'].proposedCheckpoint = 'LA-VN-DENSAVANH';
        }),
      );

      expect((await protection.get(`/v1/referrals/${id}`)).status).toBe(404);
    });

    it("pages through a party's referrals with a cursor, newest first, without repeats", async () => {
      for (let i = 0; i < 5; i++) await bokeo.createDraft(victimReferral());
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await bokeo.get(
          `/v1/referrals?direction=outbound&status=DRAFT&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((r: any) => r.id));
        expect(page.body.items.every((r: any) => r.content === undefined)).toBe(true);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBeGreaterThanOrEqual(5);
    });

    it('refuses list filters that are not valid, naming them', async () => {
      const res = await bokeo.get('/v1/referrals?direction=sideways&limit=1000');

      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: any) => e.path).sort()).toEqual(['direction', 'limit']);
    });

    it.each(['', 'bm90LWEtY3Vyc29y'])(
      'refuses the cursor %j, which this API never returned',
      async (cursor) => {
        const res = await bokeo.get(`/v1/referrals?cursor=${cursor}`);

        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([
          { path: 'cursor', message: 'is not a cursor this API returned' },
        ]);
      },
    );

    it('answers an unknown action with 404 and a malformed id with 404', async () => {
      const id = await bokeo.createDraft(victimReferral());

      expect((await bokeo.act(id, 'teleport')).status).toBe(404);
      expect((await bokeo.get('/v1/referrals/not-a-uuid')).status).toBe(404);
    });
  });
});
