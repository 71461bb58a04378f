import { randomInt, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Browser, Page } from 'playwright-core';
import { EVENT_TYPES } from '@hub/contracts';
import {
  axeCheck,
  launchBrowser,
  newPage,
  pageProblems,
  screenshot,
  waitForVisible,
} from '../support/browser';
import { Transactions } from '../../src/database/transactions';
import { Officer } from '../support/hub-client';
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer';
import { partnerEvent } from '../support/partner-events';
import { victimReferral } from '../support/referral-fixtures';
import { TestPartner } from '../support/test-partner';
import { startTestApp } from '../support/test-app';

/** Names in the scripts an officer in Bokeo meets (the Latin form is required). */
const NAMES = {
  latin: { given: 'Noy', family: 'Phommasack' },
  lao: { given: 'ນ້ອຍ', family: 'ພົມມະສັກ' },
  khmer: { given: 'ណយ', family: 'ផុមម៉ាសាក់' },
};

/** What a hostile partner or officer might type as a name or message. */
const XSS = '<img src=x onerror=alert(1)>';

type Language = 'en' | 'lo';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

describe('the console in a real browser (real hub, PostgreSQL, Kafka, Chromium)', () => {
  let idp: OidcIssuer;
  let app: NestFastifyApplication;
  let base: string;
  let vn: TestPartner;
  let browser: Browser;
  /** The victim repatriation the officer sends in the first scenario; later ones look at it. */
  let sentId: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startOidcIssuer({ redirectUri: `${base}/auth/callback` });
    app = await startTestApp({
      ...idp.env,
      CONSOLE_PUBLIC_URL: base,
      CONSOLE_DIR: 'dist/console',
      // No witness runs here: the auditor's view trusts the hub's signature alone.
      AUDIT_WITNESS_QUORUM: '0',
    });
    await app.listen(port, '127.0.0.1');
    vn = await TestPartner.start('VN');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await vn?.stop();
    await app?.close();
    await idp?.stop();
  });

  /** A fresh browser context, signed in through the development sign-in page. */
  async function signIn(party: string, roles: string[], language: Language = 'en'): Promise<Page> {
    const page = await newPage(browser);
    page.on('dialog', (dialog) => {
      throw new Error(`a script opened a dialog: ${dialog.message()}`);
    });
    await page.goto(`${base}/console/`);
    await setLanguage(page, language);
    await waitForVisible(page, '[data-testid="sign-in-party"]');
    await page.getByTestId('sign-in-party').selectOption(party);
    for (const role of ['liaison_officer', 'supervisor', 'child_protection', 'auditor', 'admin']) {
      await page.getByTestId(`sign-in-role-${role}`).setChecked(roles.includes(role));
    }
    await page.getByTestId('sign-in-submit').click();
    await waitForVisible(page, '[data-testid="signed-in-as"]');
    return page;
  }

  async function setLanguage(page: Page, language: Language): Promise<void> {
    await page.getByTestId('language-switch').selectOption(language);
    // Locators, not waitForFunction: that evaluates with eval, which the page's CSP refuses.
    await page.locator(`html[lang="${language}"]`).waitFor({ state: 'attached' });
  }

  /**
   * Checks the page as every page must be (no serious or critical accessibility violation, no
   * console error, no script error, no CSP violation), then saves it in both languages.
   */
  async function checkAndShoot(
    page: Page,
    name: string,
    expectedStatuses: readonly number[] = [],
  ): Promise<void> {
    expect(await axeCheck(page)).toEqual([]);
    const problems = pageProblems(page);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.cspViolations).toEqual([]);
    // The sign-in page asks for the session first; its 401 is how it learns there is none. The
    // browser also logs answers a test provoked on purpose (a 422 refusal, say).
    const expected = [401, ...expectedStatuses].map((status) => `status of ${String(status)} `);
    expect(
      problems.consoleErrors.filter((e) => !expected.some((status) => e.includes(status))),
    ).toEqual([]);
    const shown: Language =
      (await page.locator('html').getAttribute('lang')) === 'lo' ? 'lo' : 'en';
    const other: Language = shown === 'en' ? 'lo' : 'en';
    await screenshot(page, `${name}-${shown}`);
    await setLanguage(page, other);
    await page.waitForTimeout(200);
    expect(await axeCheck(page)).toEqual([]);
    await screenshot(page, `${name}-${other}`);
    await setLanguage(page, shown);
  }

  /** Fills the new-referral form with a victim repatriation to VN-MPS. */
  async function fillVictimRepatriation(
    page: Page,
    options: { consent: boolean; given?: string; birthDate?: string },
  ): Promise<string> {
    const reference = `BK-WEB-${Math.floor(Math.random() * 1e9)}`;
    await page.goto(`${base}/console/referrals/new`);
    await waitForVisible(page, '[data-testid="referral-form"]');
    const field = (path: string) => page.locator(`[name="${path}"]`);
    await page.getByTestId('field-type').selectOption('VICTIM_REPATRIATION');
    await page.getByTestId('field-to').selectOption('VN-MPS');
    await field('priority').selectOption('URGENT');
    await page.getByTestId('field-senderReference').fill(reference);
    await field('handlingCode').selectOption('H2');
    await field('summary').fill('Woman found in Tonpheung; wishes to return home.');
    await field('person.names[0].script').selectOption('Latn');
    await field('person.names[0].given').fill(options.given ?? NAMES.latin.given);
    await field('person.names[0].family').fill(NAMES.latin.family);
    await page.getByTestId('add-name').click();
    await field('person.names[1].script').selectOption('Laoo');
    await field('person.names[1].given').fill(NAMES.lao.given);
    await field('person.names[1].family').fill(NAMES.lao.family);
    await page.getByTestId('add-name').click();
    await field('person.names[2].script').selectOption('Khmr');
    await field('person.names[2].given').fill(NAMES.khmer.given);
    await field('person.names[2].family').fill(NAMES.khmer.family);
    await field('person.sex').selectOption('F');
    await field('person.birthDate').fill(options.birthDate ?? '1999-04-02');
    await field('person.nationality').selectOption('VN');
    await page.locator('#f-victim-exploitation-FORCED_LABOUR').check();
    if (options.consent) {
      await page.getByTestId('field-consent-dataSharing').check();
      await field('victim.consent.return').check();
    }
    await field('victim.consent.recordedAt').fill('2026-11-18T08:30');
    await field('repatriation.homeAddress.country').selectOption('VN');
    await field('repatriation.homeAddress.province').fill('Ha Tinh');
    await page.getByTestId('field-proposedCheckpoint').selectOption('LA-VN-DENSAVANH');
    await field('repatriation.proposedDate').fill('2027-01-15');
    return reference;
  }

  async function statusOf(page: Page): Promise<string> {
    return (await page.getByTestId('referral-status').first().textContent()) ?? '';
  }

  /** The referral id in the page's address (`/console/referrals/<id>`). */
  function idOf(page: Page): string {
    const id = /\/console\/referrals\/([0-9a-f-]{36})/.exec(page.url())?.[1];
    if (id === undefined) throw new Error(`not on a referral's page: ${page.url()}`);
    return id;
  }

  it('lets an officer send a victim repatriation in Lao and Khmer script and follow the partner live to the hand-over', async () => {
    const page = await signIn('LA-BOKEO-POLICE', ['liaison_officer']);
    await checkAndShoot(page, 'inbox');

    await fillVictimRepatriation(page, { consent: true });
    await checkAndShoot(page, 'new-referral');
    await page.getByTestId('submit').click();
    await page.waitForURL(/\/console\/referrals\/[0-9a-f-]{36}/);
    sentId = idOf(page);
    await expectStatus(page, 'Submitted');
    await expect(page.getByText(NAMES.lao.given).first().isVisible()).resolves.toBe(true);
    await expect(page.getByText(NAMES.khmer.given).first().isVisible()).resolves.toBe(true);

    // The partner acknowledges and asks a question: the open page follows without a reload.
    const submitted = await vn.waitForEvent(sentId, EVENT_TYPES.referralSubmitted);
    expect(submitted.data['person']).toMatchObject({
      names: [
        { script: 'Latn', ...NAMES.latin },
        { script: 'Laoo', ...NAMES.lao },
        { script: 'Khmr', ...NAMES.khmer },
      ],
    });
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    await vn.act('VN-MPS', EVENT_TYPES.referralAcknowledged, { referralId: sentId }, 1);
    await vn.act(
      'VN-MPS',
      EVENT_TYPES.referralInfoRequested,
      { referralId: sentId, question: 'Has her mother been told of the date?' },
      2,
    );
    const heard = Date.now();
    await expectStatus(page, 'Information requested', 2_000);
    expect(Date.now() - heard).toBeLessThan(2_000);
    expect(navigations).toEqual([]);

    // The officer answers; the partner accepts and schedules the hand-over.
    await page.getByTestId('action-provide-info').click();
    await page.locator('[data-testid="action-form-provide-info"] [name="answer"]').fill('Yes.');
    await page.getByTestId('action-confirm-provide-info').click();
    await expectStatus(page, 'Acknowledged');
    await vn.waitForEvent(sentId, EVENT_TYPES.referralInfoProvided);
    await vn.act('VN-MPS', EVENT_TYPES.referralAccepted, { referralId: sentId }, 4);
    await vn.act(
      'VN-MPS',
      EVENT_TYPES.referralHandoverScheduled,
      {
        referralId: sentId,
        checkpoint: 'LA-VN-DENSAVANH',
        scheduledAt: '2027-01-15T09:00:00+07:00',
      },
      5,
    );
    await expectStatus(page, 'Hand-over scheduled', 2_000);

    // A case message in Lao; it shows as sent, then delivered when the partner confirms it.
    await page.getByTestId('message-language').selectOption('lo');
    await page.getByTestId('message-body').fill('ແມ່ຂອງນາງຮູ້ແລ້ວ');
    await page.getByTestId('message-send').click();
    const posted = await vn.waitForEvent(sentId, EVENT_TYPES.messagePosted);
    await vn.publish(
      partnerEvent(
        'VN-MPS',
        EVENT_TYPES.receipt,
        { eventId: posted.id, status: 'DELIVERED' },
        { subject: sentId },
      ),
    );
    await page
      .locator(`[data-testid="message-state-${String(posted.data['messageId'])}"]`)
      .filter({ hasText: /delivered/i })
      .waitFor({ timeout: 5_000 });
    await checkAndShoot(page, 'referral');

    await page.getByTestId('nav-outbox').click();
    await waitForVisible(page, `[data-testid="referral-row-${sentId}"]`);
    await checkAndShoot(page, 'outbox');

    // A phone-sized screen: the list still fits, nothing scrolls sideways.
    await page.setViewportSize({ width: 375, height: 740 });
    await waitForVisible(page, `[data-testid="referral-row-${sentId}"]`);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(
      375,
    );
    await checkAndShoot(page, 'outbox-phone');
    await page.goto(`${base}/console/referrals/${sentId}`);
    await waitForVisible(page, '[data-testid="message-list"]');
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(
      375,
    );
    await checkAndShoot(page, 'referral-phone');
  });

  async function expectStatus(page: Page, label: string, timeout = 10_000): Promise<void> {
    await page
      .getByTestId('referral-status')
      .filter({ hasText: label })
      .first()
      .waitFor({ timeout })
      .catch(async (error: unknown) => {
        throw new Error(`status "${label}" not shown; the page shows "${await statusOf(page)}"`, {
          cause: error,
        });
      });
  }

  it('lets a supervisor override a missing consent with a reason, and read the yearly figures', async () => {
    const page = await signIn('LA-PDPCHT', ['supervisor']);
    await fillVictimRepatriation(page, { consent: false });
    await page.getByTestId('submit').click();

    await waitForVisible(page, '[data-testid="consent-override"]');
    await page.getByTestId('override-reason').fill('She cannot sign; her life is at risk.');
    await page.getByTestId('override-submit').click();
    await page.waitForURL(/\/console\/referrals\/[0-9a-f-]{36}/);
    await expectStatus(page, 'Submitted');

    await page.getByTestId('nav-figures').click();
    await waitForVisible(page, '[data-testid="figures"]');
    await waitForVisible(page, '[data-testid="chart-by-type"]');
    const csv = await page.getByTestId('figures-csv').getAttribute('href');
    expect(csv).toMatch(/^\/v1\/stats\.csv\?/);
    const download = await page.evaluate(async (href) => {
      const res = await fetch(href ?? '', { credentials: 'same-origin' });
      return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
    }, csv);
    expect(download.status).toBe(200);
    expect(download.type).toMatch(/^text\/csv/);
    // The small-count rule as the API applies it: the page shows "<5", never a count below 5.
    const shownCounts = await page
      .locator('[data-testid="figures"] td')
      .allTextContents()
      .then((cells) =>
        cells
          .map((c) => c.trim())
          .filter((c) => /^\d+$/.test(c))
          .map(Number),
      );
    expect(shownCounts.filter((n) => n > 0 && n < 5)).toEqual([]);
    // The submit without consent was refused (422 consent-required) before the override.
    await checkAndShoot(page, 'figures', [422]);
  });

  it("lets an officer record a victim's consent withdrawn, tells the partner, and lets a supervisor restore it", async () => {
    const officer = await signIn('LA-BOKEO-POLICE', ['liaison_officer']);
    // A person of her own: a withdrawal refuses new referrals of the same person.
    await fillVictimRepatriation(officer, {
      consent: true,
      given: `Dao ${randomUUID().slice(0, 6)}`,
      birthDate: `19${String(80 + randomInt(15))}-0${String(1 + randomInt(9))}-1${String(randomInt(10))}`,
    });
    await officer.getByTestId('submit').click();
    await officer.waitForURL(/\/console\/referrals\/[0-9a-f-]{36}/);
    const id = idOf(officer);
    await expectStatus(officer, 'Submitted');
    await expect(officer.getByTestId('referral-consent').textContent()).resolves.toBe('Given');

    await officer.getByTestId('action-withdraw-consent').click();
    await officer.getByTestId('field-withdrawnBy').selectOption('GUARDIAN');
    await officer
      .locator('[data-testid="action-form-withdraw-consent"] [name="note"]')
      .fill('Her mother withdrew it at the shelter, with a social worker present.');
    await officer.getByTestId('action-confirm-withdraw-consent').click();

    await officer
      .getByTestId('referral-consent')
      .filter({ hasText: 'Withdrawn by the guardian' })
      .waitFor({ timeout: 10_000 });
    const told = await vn.waitForEvent(id, EVENT_TYPES.referralConsentWithdrawn);
    expect(told.data).toMatchObject({ referralId: id, withdrawnBy: 'GUARDIAN' });
    // Restoring is a supervisor's: the officer is offered no such button.
    expect(await officer.getByTestId('action-restore-consent').count()).toBe(0);
    await checkAndShoot(officer, 'consent-withdrawn');

    const supervisor = await signIn('LA-BOKEO-POLICE', ['supervisor']);
    await supervisor.goto(`${base}/console/referrals/${id}`);
    await waitForVisible(supervisor, '[data-testid="action-restore-consent"]');
    await supervisor.getByTestId('action-restore-consent').click();
    await supervisor
      .getByTestId('field-note')
      .fill('She agreed again after counselling, in writing.');
    await supervisor.getByTestId('action-confirm-restore-consent').click();
    await supervisor
      .getByTestId('referral-consent')
      .filter({ hasText: 'Given' })
      .waitFor({ timeout: 10_000 });
    await vn.waitForEvent(id, EVENT_TYPES.referralConsentRestored);
  });

  it('creates one referral when the answer to a submit was lost and the officer clicks again', async () => {
    const page = await signIn('LA-BOKEO-POLICE', ['liaison_officer']);
    const reference = await fillVictimRepatriation(page, { consent: true });
    let lost = 0;
    // The hub creates the draft, but its answer never reaches the browser (a dropped connection).
    await page.route('**/v1/referrals', async (route) => {
      if (route.request().method() !== 'POST' || lost > 0) return route.continue();
      lost += 1;
      await route.fetch();
      await route.abort('connectionreset');
    });

    await page.getByTestId('submit').click();
    await waitForVisible(page, '[data-testid="error-summary"]');
    await page.getByTestId('submit').click();
    await page.waitForURL(/\/console\/referrals\/[0-9a-f-]{36}/);
    await expectStatus(page, 'Submitted');

    const officer = await Officer.of(app, 'LA-BOKEO-POLICE', ['liaison_officer']);
    const mine = await officer.get('/v1/referrals?direction=outbound&limit=100');
    const withReference = mine.body.items.filter(
      (r: { senderReference: string }) => r.senderReference === reference,
    );
    expect(lost).toBe(1);
    expect(withReference).toHaveLength(1);
    expect(withReference[0].id).toBe(idOf(page));
  });

  it('says clearly when someone else changed the referral since the page showed it (If-Match)', async () => {
    const officer = await Officer.of(app, 'LA-BOKEO-POLICE', ['liaison_officer']);
    const id = await officer.send(victimReferral('VN-MPS'));
    const page = await signIn('LA-BOKEO-POLICE', ['liaison_officer']);
    // This page hears no live notices (a stream cut by a proxy, say): what it shows goes stale.
    await page.route('**/v1/stream', (route) => route.abort());
    await page.goto(`${base}/console/referrals/${id}`);
    await expectStatus(page, 'Submitted');

    await vn.act('VN-MPS', EVENT_TYPES.referralAcknowledged, { referralId: id }, 1);
    await page.getByTestId('action-withdraw').click();
    await page
      .locator('[data-testid="action-form-withdraw"] [name="reason"]')
      .fill('Opened in error.');
    await page.getByTestId('action-confirm-withdraw').click();

    await waitForVisible(page, '[data-testid="stale-warning"]');
    expect((await officer.get(`/v1/referrals/${id}`)).body.status).toBe('ACKNOWLEDGED');
    await page.getByTestId('stale-reload').click();
    await expectStatus(page, 'Acknowledged');
  });

  it('lets an auditor verify a history in the browser and shows no personal data', async () => {
    const admin = await Officer.of(app, 'LA-PDPCHT', ['auditor']);
    expect((await admin.post('/v1/audit/checkpoint', {})).status).toBe(200);
    const page = await signIn('LA-PDPCHT', ['auditor']);

    await page.goto(`${base}/console/audit/referrals/${sentId}`);
    await waitForVisible(page, '[data-testid="history"]');
    await waitForVisible(page, '[data-testid="checkpoint-valid"]');
    const states = page.locator('[data-testid^="entry-verified-"] [data-state]');
    const pending = page.locator('[data-testid^="entry-verified-"] [data-state="pending"]');
    await states.first().waitFor();
    for (let i = 0; i < 100 && (await pending.count()) > 0; i++) await page.waitForTimeout(100);
    const all = await Promise.all(
      (await states.all()).map((state) => state.getAttribute('data-state')),
    );
    expect(all.length).toBeGreaterThan(3);
    expect(new Set(all)).toEqual(new Set(['verified']));
    const text = await page.locator('main').innerText();
    for (const name of Object.values(NAMES)) expect(text).not.toContain(name.given);
    await checkAndShoot(page, 'audit-history');
    const bundleHref = await page.getByTestId('bundle-download').getAttribute('href');
    const bundle = await page.evaluate(async (href) => {
      const res = await fetch(href ?? '');
      return (await res.json()) as { referralId: string; entries: unknown[]; checkpoint: string };
    }, bundleHref);
    expect(bundle.referralId).toBe(sentId);
    expect(bundle.entries.length).toBe(all.length);
    expect(JSON.stringify(bundle)).not.toContain(NAMES.lao.given);

    await page.goto(`${base}/console/audit`);
    await page.getByTestId('verify-log').click();
    await waitForVisible(page, '[data-testid="verify-report"]');
    expect(await page.getByTestId('verify-report').innerText()).toMatch(/whole log verified/i);
    await checkAndShoot(page, 'audit');
    const referral = await page.evaluate(async (id) => {
      const res = await fetch(`/v1/referrals/${id}`);
      return (await res.json()) as Record<string, unknown>;
    }, sentId);
    expect(referral['personalData']).toBe('withheld');
    expect(referral).not.toHaveProperty('content');
  });

  it("gives a Thai officer's session nothing of a Lao–Vietnamese referral", async () => {
    const page = await signIn('TH-POLICE', ['liaison_officer']);

    await page.goto(`${base}/console/referrals/${sentId}`);
    await page.waitForLoadState('networkidle');
    const text = await page.locator('main').innerText();
    expect(text).not.toContain(NAMES.latin.given);
    expect(text).not.toContain(NAMES.lao.given);
    const answers = await page.evaluate(async (id) => {
      const paths = [`/v1/referrals/${id}`, `/v1/referrals/${id}/messages`];
      return Promise.all(paths.map(async (p) => (await fetch(p)).status));
    }, sentId);
    expect(answers).toEqual([404, 404]);
    await page.getByTestId('nav-inbox').click();
    await page.waitForLoadState('networkidle');
    expect(await page.locator(`[data-testid="referral-row-${sentId}"]`).count()).toBe(0);
  });

  it('sends an officer whose session ended back to sign-in, then to the page they were opening', async () => {
    const page = await signIn('LA-BOKEO-POLICE', ['liaison_officer']);
    await page.goto(`${base}/console/referrals/${sentId}`);
    await waitForVisible(page, '[data-testid="referral-status"]');

    // The session ends on the hub (idle, expired, or signed out from another window); the
    // officer then opens the outbox from a bookmark.
    await app
      .get(Transactions)
      .query(`DELETE FROM console_sessions WHERE party = 'LA-BOKEO-POLICE'`);
    await page.goto(`${base}/console/referrals?direction=outbound`);

    await waitForVisible(page, '[data-testid="sign-in-party"]');
    expect(page.url()).toBe(`${base}/console/sign-in`);
    await page.getByTestId('sign-in-party').selectOption('LA-BOKEO-POLICE');
    await page.getByTestId('sign-in-submit').click();
    await waitForVisible(page, `[data-testid="referral-row-${sentId}"]`);
    expect(page.url()).toBe(`${base}/console/referrals?direction=outbound`);
  });

  it('renders a hostile name and message as text, and refuses a POST without the CSRF token', async () => {
    const officer = await Officer.of(app, 'LA-BOKEO-POLICE', ['liaison_officer']);
    const id = await officer.send(
      victimReferral('VN-MPS', (r) => {
        r['person'].names[0].given = XSS;
      }),
    );
    expect(
      (await officer.post(`/v1/referrals/${id}/messages`, { language: 'en', body: XSS })).status,
    ).toBe(201);
    // The example victim is 16: an officer without the child-protection role sees the case, not her.
    const uncleared = await signIn('LA-BOKEO-POLICE', ['liaison_officer']);
    await uncleared.goto(`${base}/console/referrals/${id}`);
    await waitForVisible(uncleared, '[data-testid="personal-data-child-protected"]');
    // The case messages load on their own: wait for the one message, then count.
    await waitForVisible(uncleared, '[data-testid="message-list"] li');
    expect(await uncleared.getByText(XSS).count()).toBe(1);
    await checkAndShoot(uncleared, 'child-protected');
    const page = await signIn('LA-BOKEO-POLICE', ['liaison_officer', 'child_protection']);

    await page.goto(`${base}/console/referrals/${id}`);
    await waitForVisible(page, '[data-testid="message-list"]');
    expect(await page.getByText(XSS).count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    const before = await officer.get('/v1/referrals?direction=outbound&limit=100');
    const refused = await page.evaluate(async (body) => {
      const res = await fetch('/v1/referrals', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    }, victimReferral('VN-MPS'));
    expect(refused.status).toBe(403);
    expect(refused.body['code']).toBe('csrf-failed');
    const after = await officer.get('/v1/referrals?direction=outbound&limit=100');
    expect(after.body.items.length).toBe(before.body.items.length);
  });

  it('signs an officer in at the identity provider (code flow with PKCE) with no token in the browser', async () => {
    const page = await newPage(browser);
    await page.goto(`${base}/console/`);
    await setLanguage(page, 'en');
    await waitForVisible(page, '[data-testid="sign-in-oidc"]');
    await checkAndShoot(page, 'sign-in');
    await page.getByTestId('sign-in-oidc').click();

    await page.waitForURL((url) => url.origin !== base);
    await page.locator('input[name="login"]').fill('bokeo-officer');
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').click();
    await page.waitForLoadState('load');
    const consent = page.locator('button[type="submit"]');
    if (!page.url().startsWith(base) && (await consent.isVisible().catch(() => false))) {
      await consent.click();
    }
    await page.waitForURL(`${base}/console/**`);
    await waitForVisible(page, '[data-testid="signed-in-as"]');

    expect(await page.getByTestId('signed-in-as').innerText()).toContain('LA-BOKEO-POLICE');
    const stored = String(await page.evaluate('JSON.stringify({ ...localStorage })'));
    expect(stored).not.toMatch(/eyJ/);
    const cookies = await page.context().cookies(base);
    expect(cookies.find((c) => c.name === 'mrh_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    });
    const me = await page.evaluate(async () => await (await fetch('/auth/session')).json());
    expect(me).toMatchObject({ signedInBy: 'oidc', principal: { party: 'LA-BOKEO-POLICE' } });
  });
});
