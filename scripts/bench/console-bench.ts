import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium } from '../lib/chromium';
import { figure, formatTable, percentile, type Figure } from './figures';

/** The console's figures, by name (bench.ts's list of figures every run reports can take them). */
export const CONSOLE_FIGURE_NAMES = [
  'console time to first meaningful paint p50 (cold cache)',
  'console time to first meaningful paint p90 (cold cache)',
  'console first page JS+CSS transferred',
] as const;

/** The goals of the console (issue): first meaningful paint under 1 s, JS+CSS at most 200 kB. */
export const CONSOLE_GOALS = { paintMs: 1000, transferKB: 200 } as const;

/**
 * How the benchmark is signed in: a `Cookie` header value (`sid=…; csrf=…`) put into every
 * context, or a function that signs in through the pages of a fresh context (dev sign-in, the
 * OIDC login). The function runs once, before any measurement; the cookies it leaves behind are
 * given to each measured context, whose cache stays cold.
 */
export type ConsoleSignIn = string | ((page: Page, baseUrl: string) => Promise<void>);

export interface ConsoleBenchOptions {
  /** The hub, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** Default `/console/`. */
  path?: string;
  signIn?: ConsoleSignIn;
  /** The element whose appearance is the first meaningful paint (default `main h1`). */
  readySelector?: string;
  /** Measured cold-cache navigations (default 10), after one warm-up. */
  runs?: number;
  /** One navigation may take this long before the run fails (default 30 s). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** One JS or CSS file of the first page, as it crossed the wire. */
export interface TransferredFile {
  url: string;
  type: 'js' | 'css';
  /** Bytes received for it, headers included (Network.loadingFinished `encodedDataLength`). */
  transferBytes: number;
  /** Bytes of its body as sent (compressed when encoded): `transferBytes` less the headers. */
  bodyBytes: number;
  /** Its `content-length` (the compressed body when encoded), when the server sent one. */
  contentLength: number | null;
  /** `content-encoding` (`gzip`, `br`, `zstd`), or null when sent uncompressed. */
  encoding: string | null;
}

export interface ConsoleBenchResult {
  figures: Figure[];
  /** Each measured navigation's time to the ready selector, in ms, in the order measured. */
  samplesMs: number[];
  /** The JS and CSS of the first measured navigation. */
  files: TransferredFile[];
  /** Their total `bodyBytes` in kB (1000 bytes), as the transfer figure reports it. */
  transferKB: number;
}

/**
 * Runs in the page before its own scripts (an init script goes through the DevTools protocol, so
 * the page's CSP does not stop it): records `performance.now()` — ms since navigation start — at
 * the first animation frame after `selector` matched, i.e. when it could be painted.
 */
function readyProbe(selector: string): string {
  return `(() => {
    const selector = ${JSON.stringify(selector)};
    let seen = false;
    const check = () => {
      if (seen || !document.querySelector(selector)) return;
      seen = true;
      observer.disconnect();
      requestAnimationFrame(() => { globalThis.__consoleBenchReadyAt = performance.now(); });
    };
    const observer = new MutationObserver(check);
    observer.observe(document, { childList: true, subtree: true, characterData: true });
    check();
  })();`;
}

/** Cookies of a `Cookie` header value, for the hub's origin. */
function cookiesOf(
  header: string,
  baseUrl: string,
): { name: string; value: string; url: string }[] {
  return header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.includes('='))
    .map((part) => {
      const eq = part.indexOf('=');
      return { name: part.slice(0, eq), value: part.slice(eq + 1), url: baseUrl };
    });
}

interface Tracked {
  url: string;
  type: 'js' | 'css';
  encoding: string | null;
  contentLength: number | null;
  /** Bytes received when the response head was complete: the headers. */
  headerBytes: number;
  transferBytes?: number;
  failed?: boolean;
}

/** Follows the page's JS and CSS over CDP's Network domain. */
async function trackScriptsAndStyles(
  context: BrowserContext,
  page: Page,
): Promise<{ tracked: Map<string, Tracked>; lastStart: () => number }> {
  const cdp = await context.newCDPSession(page);
  const tracked = new Map<string, Tracked>();
  let lastStart = performance.now();
  cdp.on('Network.requestWillBeSent', (e) => {
    const type = e.type === 'Script' ? 'js' : e.type === 'Stylesheet' ? 'css' : undefined;
    if (type === undefined || !/^https?:/.test(e.request.url)) return;
    tracked.set(e.requestId, {
      url: e.request.url,
      type,
      encoding: null,
      contentLength: null,
      headerBytes: 0,
    });
    lastStart = performance.now();
  });
  cdp.on('Network.responseReceived', (e) => {
    const entry = tracked.get(e.requestId);
    if (!entry) return;
    const headers = Object.fromEntries(
      Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]),
    );
    entry.encoding = headers['content-encoding'] ?? null;
    entry.headerBytes = e.response.encodedDataLength;
    const length = Number(headers['content-length']);
    entry.contentLength = Number.isFinite(length) && headers['content-length'] ? length : null;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const entry = tracked.get(e.requestId);
    if (entry) entry.transferBytes = e.encodedDataLength;
  });
  cdp.on('Network.loadingFailed', (e) => {
    const entry = tracked.get(e.requestId);
    if (entry) entry.failed = true;
  });
  await cdp.send('Network.enable');
  return { tracked, lastStart: () => lastStart };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One navigation in a fresh context (cold cache): ms to the ready selector, and its JS and CSS. */
async function navigate(
  browser: Browser,
  url: string,
  selector: string,
  contextOptions: BrowserContextOptions,
  cookieHeader: string | undefined,
  timeoutMs: number,
): Promise<{ ms: number; files: TransferredFile[] }> {
  const context = await browser.newContext(contextOptions);
  try {
    if (cookieHeader !== undefined) await context.addCookies(cookiesOf(cookieHeader, url));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const { tracked, lastStart } = await trackScriptsAndStyles(context, page);
    await page.addInitScript(readyProbe(selector));
    const response = await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
    if (!response || response.status() >= 400) {
      throw new Error(`${url} answered ${response?.status() ?? 'nothing'}`);
    }
    // Polled with evaluate (the DevTools protocol), not waitForFunction: Playwright evaluates a
    // waitForFunction predicate with eval inside the page, which a CSP without 'unsafe-eval'
    // refuses. The time itself is the page's own, so the polling interval does not blur it.
    const readyBy = performance.now() + timeoutMs;
    let ms: number | undefined;
    while (
      (ms = await page.evaluate<number | undefined>('globalThis.__consoleBenchReadyAt')) ===
      undefined
    ) {
      if (performance.now() > readyBy) {
        throw new Error(
          `${selector} never appeared on ${page.url()} within ${timeoutMs} ms` +
            (errors.length ? `; the page reported: ${errors.join(' | ')}` : ''),
        );
      }
      await sleep(20);
    }
    // The first page's files: everything started by `load`, and chunks it fetches right after.
    await page.waitForLoadState('load', { timeout: timeoutMs });
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const pending = [...tracked.values()].some((t) => t.transferBytes === undefined && !t.failed);
      if (!pending && performance.now() - lastStart() > 300) break;
      await sleep(50);
    }
    const files = [...tracked.values()]
      .filter((t): t is Tracked & { transferBytes: number } => t.transferBytes !== undefined)
      .map(({ url: fileUrl, type, transferBytes, headerBytes, contentLength, encoding }) => ({
        url: fileUrl,
        type,
        transferBytes,
        bodyBytes: transferBytes - headerBytes,
        contentLength,
        encoding,
      }));
    return { ms, files };
  } finally {
    await context.close();
  }
}

/**
 * The console section of the benchmark: Chromium loads `path` of the hub once to warm up (the
 * hub's JIT and caches, Chromium's processes), then `runs` times in a fresh context each (cold
 * HTTP cache, same session cookies), timing the ready selector from navigation start. Reports the
 * p50 and p90 of those times against "< 1000 ms", and the JS and CSS bytes the first page
 * transferred (compressed when the server compresses) against "≤ 200 kB", with each file.
 */
export async function consoleBench(options: ConsoleBenchOptions): Promise<ConsoleBenchResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const url = new URL(options.path ?? '/console/', options.baseUrl).toString();
  const selector = options.readySelector ?? 'main h1';
  const runs = options.runs ?? 10;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const browser = await launchChromium();
  try {
    const contextOptions: BrowserContextOptions = {
      viewport: { width: 1280, height: 800 },
      locale: 'lo-LA',
      timezoneId: 'Asia/Vientiane',
    };
    let cookieHeader: string | undefined;
    if (typeof options.signIn === 'string') {
      cookieHeader = options.signIn;
    } else if (options.signIn) {
      const context = await browser.newContext(contextOptions);
      try {
        await options.signIn(await context.newPage(), options.baseUrl);
        contextOptions.storageState = await context.storageState();
      } finally {
        await context.close();
      }
    }
    log(`console bench: ${url}, ready at "${selector}", 1 warm-up + ${runs} cold runs`);
    await navigate(browser, url, selector, contextOptions, cookieHeader, timeoutMs);
    const samplesMs: number[] = [];
    let files: TransferredFile[] = [];
    for (let run = 0; run < runs; run++) {
      const result = await navigate(
        browser,
        url,
        selector,
        contextOptions,
        cookieHeader,
        timeoutMs,
      );
      samplesMs.push(result.ms);
      if (run === 0) files = result.files;
    }
    const sorted = [...samplesMs].sort((a, b) => a - b);
    const transferKB = files.reduce((sum, f) => sum + f.bodyBytes, 0) / 1000;
    const paintGoal = { of: 'value', op: '<', bound: CONSOLE_GOALS.paintMs } as const;
    const figures = [
      figure(CONSOLE_FIGURE_NAMES[0], percentile(sorted, 50), 'ms', null, paintGoal),
      figure(CONSOLE_FIGURE_NAMES[1], percentile(sorted, 90), 'ms', null, paintGoal),
      figure(CONSOLE_FIGURE_NAMES[2], transferKB, 'kB', null, {
        of: 'value',
        op: '<=',
        bound: CONSOLE_GOALS.transferKB,
      }),
    ];
    return { figures, samplesMs, files, transferKB };
  } finally {
    await browser.close();
  }
}

/** The per-file table printed under the figures. */
export function formatFiles(files: readonly TransferredFile[]): string {
  const kB = (bytes: number | null): string =>
    (bytes === null ? '—' : (bytes / 1000).toFixed(1)).padStart(8);
  return files
    .map(
      (f) =>
        `${f.type.padEnd(3)} ${kB(f.bodyBytes)} kB body (content-length ${kB(f.contentLength)}, ` +
        `${kB(f.transferBytes)} with headers, ${f.encoding ?? 'uncompressed'})  ${new URL(f.url).pathname}`,
    )
    .join('\n');
}

/**
 * `npx tsx scripts/bench/console-bench.ts --base-url http://127.0.0.1:3000 [--path /console/]
 * [--selector 'main h1'] [--cookie 'sid=…'] [--runs 10]`: the console section alone, against a
 * hub (or any site) that is already running.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'base-url': { type: 'string', default: 'http://127.0.0.1:3000' },
      path: { type: 'string', default: '/console/' },
      selector: { type: 'string', default: 'main h1' },
      cookie: { type: 'string' },
      runs: { type: 'string', default: '10' },
    },
  });
  const result = await consoleBench({
    baseUrl: values['base-url'],
    path: values.path,
    readySelector: values.selector,
    runs: Number(values.runs),
    ...(values.cookie === undefined ? {} : { signIn: values.cookie }),
  });
  process.stdout.write(`\n${formatTable(result.figures)}\n\n${formatFiles(result.files)}\n`);
  process.stdout.write(
    `\nsamples (ms): ${result.samplesMs.map((ms) => ms.toFixed(0)).join(' ')}\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`console-bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
