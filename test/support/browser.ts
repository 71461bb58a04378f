import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AxeResults, ImpactValue, Result } from 'axe-core';
import type { Browser, BrowserContextOptions, LaunchOptions, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium';
import { repoRoot } from '../../scripts/lib/repo-root';

/**
 * Starts headless Chromium (Debian's, see `chromiumPath`: throws when it is missing, so a browser
 * test fails loudly instead of skipping).
 */
export function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  return launchChromium(options);
}

/** A CSP violation as the page's `securitypolicyviolation` event reports it. */
export interface CspViolation {
  directive: string;
  blockedURI: string;
  sourceFile: string;
  lineNumber: number;
}

/** What went wrong in a page since it was opened; a healthy page has all three empty. */
export interface PageProblems {
  /** `console.error` messages, and Chromium's own errors (failed loads, refused scripts). */
  consoleErrors: string[];
  /** Exceptions no script caught. */
  pageErrors: string[];
  cspViolations: CspViolation[];
}

const problemsOf = new WeakMap<Page, PageProblems>();

export interface NewPageOptions {
  /** BCP 47 locale of `navigator.language` and `Accept-Language` (default `en-GB`). */
  locale?: string;
  /** IANA time zone (default `Asia/Vientiane`, where the officers are). */
  timezoneId?: string;
  viewport?: { width: number; height: number };
  /** Anything else for the page's own context (cookies in `storageState`, headers …). */
  context?: BrowserContextOptions;
}

/**
 * A page in a context of its own (its own cookies and cache), whose console errors, uncaught
 * exceptions and CSP violations are collected from the start: read them with
 * {@link pageProblems}. Closing the page's context (`page.context().close()`) frees it.
 */
export async function newPage(browser: Browser, options: NewPageOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-GB',
    timezoneId: options.timezoneId ?? 'Asia/Vientiane',
    viewport: options.viewport ?? { width: 1280, height: 800 },
    ...options.context,
  });
  const page = await context.newPage();
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], cspViolations: [] };
  problemsOf.set(page, problems);
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));
  // A binding and an init script both travel over the DevTools protocol, so the page's CSP
  // cannot block the listener that reports its own violations.
  await page.exposeBinding('__reportCspViolation', (_source, violation: CspViolation) => {
    problems.cspViolations.push(violation);
  });
  await page.addInitScript(`
    document.addEventListener('securitypolicyviolation', (e) => {
      globalThis.__reportCspViolation({
        directive: e.effectiveDirective,
        blockedURI: e.blockedURI,
        sourceFile: e.sourceFile,
        lineNumber: e.lineNumber,
      });
    });
  `);
  return page;
}

/** The problems collected on `page` so far (a page not made by {@link newPage} throws). */
export function pageProblems(page: Page): PageProblems {
  const problems = problemsOf.get(page);
  if (!problems) throw new Error('pageProblems: this page was not opened with newPage()');
  return {
    consoleErrors: [...problems.consoleErrors],
    pageErrors: [...problems.pageErrors],
    cspViolations: [...problems.cspViolations],
  };
}

/**
 * Waits until `selector` is visible; on timeout the error carries what the page reported (console
 * errors, exceptions, CSP violations), which usually says why it never rendered.
 */
export async function waitForVisible(
  page: Page,
  selector: string,
  timeoutMs = 15_000,
): Promise<void> {
  try {
    await page.locator(selector).first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (error) {
    const problems = JSON.stringify(pageProblems(page), null, 2);
    throw new Error(
      `${selector} not visible on ${page.url()} within ${timeoutMs} ms; the page reported ${problems}`,
      { cause: error },
    );
  }
}

/** Folder of the screenshots (git-ignored; CI may keep it as an artifact). */
export const SCREENSHOT_DIR = join(repoRoot(), 'artifacts', 'screenshots');

/** Saves a full-page PNG as `artifacts/screenshots/<name>.png` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) {
    throw new Error(`screenshot name ${JSON.stringify(name)}: letters, digits, . _ - only`);
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** One accessibility rule a page breaks, with the elements that break it. */
export interface AxeViolation {
  id: string;
  impact: ImpactValue;
  help: string;
  helpUrl: string;
  /** CSS selectors of the offending elements. */
  targets: string[];
}

const BLOCKING: readonly ImpactValue[] = ['serious', 'critical'];

let axeSource: string | undefined;

/**
 * Runs axe-core in `page` and returns the violations of impact serious or critical. axe's source
 * is evaluated through the DevTools protocol (`Runtime.evaluate`), which a page's CSP does not
 * govern, so it runs under `script-src 'self'` without `bypassCSP` — and the page's own scripts
 * stay under the CSP the test is checking. axe itself needs no eval.
 */
export async function axeCheck(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate(`${axeSource}\n;typeof axe === 'object' && axe.version`);
  if (typeof loaded !== 'string') throw new Error('axeCheck: axe-core did not load in the page');
  // A string, not a function: the test transpiler must not rewrite what runs in the browser.
  const results = await page.evaluate<AxeResults>(
    "axe.run(document, { resultTypes: ['violations'] })",
  );
  return results.violations
    .filter((v: Result) => v.impact != null && BLOCKING.includes(v.impact))
    .map((v: Result) => ({
      id: v.id,
      impact: v.impact as ImpactValue,
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
}
