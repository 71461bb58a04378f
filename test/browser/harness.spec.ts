import { existsSync, statSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Browser, Page } from 'playwright-core';
import {
  axeCheck,
  launchBrowser,
  newPage,
  pageProblems,
  screenshot,
  type PageProblems,
  waitForVisible,
} from '../support/browser';
import { serveStaticPages, type StaticPages } from '../support/static-pages';
import { startTestApp } from '../support/test-app';

const NO_PROBLEMS: PageProblems = { consoleErrors: [], pageErrors: [], cspViolations: [] };

/** The console's policy: scripts from its own origin only, never inline, never eval. */
const STRICT_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'";

const html = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
  `<script src="/page.js"></script></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

describe('the browser harness', () => {
  let browser: Browser;
  let app: NestFastifyApplication;
  let hubUrl: string;
  let pages: StaticPages;
  const open: Page[] = [];

  async function page(): Promise<Page> {
    const p = await newPage(browser);
    open.push(p);
    return p;
  }

  beforeAll(async () => {
    // First, so that a machine without Chromium fails here, saying how to install it.
    browser = await launchBrowser();
  });

  afterEach(async () => {
    for (const p of open.splice(0)) await p.context().close();
  });

  afterAll(async () => {
    await browser?.close();
  });

  describe("the hub's API documentation (/docs)", () => {
    beforeAll(async () => {
      app = await startTestApp();
      await app.listen({ port: 0, host: '127.0.0.1' });
      hubUrl = await app.getUrl();
    });

    afterAll(async () => {
      await app?.close();
    });

    it('renders its title with no console error, uncaught exception or CSP violation', async () => {
      const p = await page();

      const response = await p.goto(`${hubUrl}/docs`);
      await waitForVisible(p, '.swagger-ui h1.title');
      const heading = p.locator('.swagger-ui h1.title');

      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      expect(await p.title()).toBe('Swagger UI');
      expect(await heading.textContent()).toContain('Mekong Referral Hub API');
      // The operations came from the OpenAPI document, not just the page's frame.
      expect(await p.locator('.opblock-summary-path').allTextContents()).toContain('/v1/me');
      const path = await screenshot(p, 'harness-docs');
      expect(statSync(path).size).toBeGreaterThan(10_000);
      expect(pageProblems(p)).toEqual(NO_PROBLEMS);
    });

    it("runs axe under the page's CSP without breaking it", async () => {
      const p = await page();
      await p.goto(`${hubUrl}/docs`);
      await waitForVisible(p, '.swagger-ui h1.title');

      const violations = await axeCheck(p);

      // What axe finds in Swagger UI is Swagger's business; that it ran, and ran clean of the
      // page's CSP, is the harness's.
      expect(Array.isArray(violations)).toBe(true);
      for (const v of violations) expect(['serious', 'critical']).toContain(v.impact);
      expect(pageProblems(p)).toEqual(NO_PROBLEMS);
    });
  });

  // Pages of a server of the test's own: the harness's checks need no hub, no database, no Kafka.
  describe('a deliberately bad page under a strict CSP', () => {
    beforeAll(async () => {
      pages = await serveStaticPages(
        {
          '/bad.html': {
            contentType: 'text/html; charset=utf-8',
            // An input with no label, and an inline script the CSP must refuse.
            body: html(
              'Bad page',
              '<input type="text" id="q"><script>document.title = "inline script ran";</script>',
            ),
          },
          '/good.html': {
            contentType: 'text/html; charset=utf-8',
            body: html('Good page', '<label for="q">Search</label><input type="text" id="q">'),
          },
          '/page.js': {
            contentType: 'text/javascript; charset=utf-8',
            body:
              'if (document.title === "Bad page") {\n' +
              '  console.error("harness: a deliberate console error");\n' +
              '  setTimeout(() => { throw new Error("harness: a deliberate uncaught error"); });\n' +
              '}\n',
          },
        },
        { 'content-security-policy': STRICT_CSP },
      );
    });

    afterAll(async () => {
      await pages?.close();
    });

    it('reports the unlabelled input as a serious or critical axe violation', async () => {
      const p = await page();
      await p.goto(`${pages.url}/bad.html`);

      const violations = await axeCheck(p);

      expect(violations).toContainEqual(
        expect.objectContaining({
          id: 'label',
          impact: expect.stringMatching(/^(serious|critical)$/),
          targets: ['#q'],
        }),
      );
    });

    it('finds no such violation once the input is labelled', async () => {
      const p = await page();
      await p.goto(`${pages.url}/good.html`);

      expect(await axeCheck(p)).toEqual([]);
      expect(pageProblems(p)).toEqual(NO_PROBLEMS);
    });

    it('collects the refused inline script, the console error and the uncaught exception', async () => {
      const p = await page();
      await p.goto(`${pages.url}/bad.html`);
      // The exception is thrown from a timer after the load.
      for (let i = 0; i < 100 && pageProblems(p).pageErrors.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }

      const problems = pageProblems(p);
      // The CSP held: the inline script did not run.
      expect(await p.title()).toBe('Bad page');
      expect(problems.cspViolations).toEqual([
        expect.objectContaining({ directive: 'script-src-elem', blockedURI: 'inline' }),
      ]);
      expect(problems.consoleErrors).toEqual(
        expect.arrayContaining([
          'harness: a deliberate console error',
          expect.stringContaining('Content Security Policy'),
        ]),
      );
      expect(problems.pageErrors).toEqual(['harness: a deliberate uncaught error']);
    });

    it('writes screenshots as PNG files under artifacts/screenshots', async () => {
      const p = await page();
      await p.goto(`${pages.url}/good.html`);

      const path = await screenshot(p, 'harness-good-page');

      expect(path).toMatch(/artifacts\/screenshots\/harness-good-page\.png$/);
      expect(existsSync(path)).toBe(true);
      await expect(screenshot(p, '../escape')).rejects.toThrow(/letters, digits/);
    });
  });
});
