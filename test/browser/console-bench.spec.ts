import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { CONSOLE_FIGURE_NAMES, consoleBench } from '../../scripts/bench/console-bench';

/** Incompressible-ish JS, so that its gzip size is known and far from its plain size. */
const SCRIPT = `document.querySelector('main').insertAdjacentHTML('beforeend', '<h1>Ready</h1>');\n//${randomBytes(30_000).toString('hex')}\n`;
const STYLE = `main { font-family: sans-serif; }\n/* ${'a'.repeat(50_000)} */\n`;
const SESSION = 'sid=s3cr3t';

/**
 * A console stand-in: `/console/` needs the session cookie (else 401), gets it from `/sign-in`,
 * and renders its heading from a gzipped script under a strict CSP.
 */
function consoleStandIn(scriptFetches: { count: number }): Server {
  const csp = "default-src 'none'; script-src 'self'; style-src 'self'";
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const signedIn = (req.headers.cookie ?? '').split('; ').includes(SESSION);
    if (path === '/sign-in') {
      res.writeHead(303, { location: '/console/', 'set-cookie': `${SESSION}; Path=/; HttpOnly` });
      res.end();
    } else if (path === '/console/' && signedIn) {
      res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': csp });
      res.end(
        '<!doctype html><html lang="en"><head><title>Console</title>' +
          '<link rel="stylesheet" href="/console/app.css"><script src="/console/app.js" defer></script>' +
          '</head><body><main></main></body></html>',
      );
    } else if (path === '/console/app.js') {
      scriptFetches.count++;
      const body = gzipSync(SCRIPT);
      res.writeHead(200, {
        // A warm cache would not ask again: each fetch is a cold run.
        'cache-control': 'public, max-age=3600, immutable',
        'content-type': 'text/javascript',
        'content-encoding': 'gzip',
        'content-length': body.length,
      });
      res.end(body);
    } else if (path === '/console/app.css') {
      res.writeHead(200, {
        'content-type': 'text/css',
        'content-length': Buffer.byteLength(STYLE),
      });
      res.end(STYLE);
    } else {
      res.writeHead(path === '/console/' ? 401 : 404, { 'content-type': 'text/plain' });
      res.end(path === '/console/' ? 'sign in first' : 'not found');
    }
  });
}

describe('consoleBench', () => {
  let server: Server;
  let baseUrl: string;
  const scriptFetches = { count: 0 };

  beforeAll(async () => {
    server = consoleStandIn(scriptFetches);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('times the ready selector over cold runs and counts JS and CSS as sent, per file', async () => {
    scriptFetches.count = 0;

    const result = await consoleBench({ baseUrl, signIn: SESSION, runs: 3, log: () => {} });

    expect(result.samplesMs).toHaveLength(3);
    for (const ms of result.samplesMs) expect(ms).toBeGreaterThan(0);
    expect(result.figures.map((f) => f.name)).toEqual([...CONSOLE_FIGURE_NAMES]);
    expect(result.figures.map((f) => f.goal)).toEqual([
      'value < 1000',
      'value < 1000',
      'value <= 200',
    ]);
    const js = gzipSync(SCRIPT).length;
    const css = Buffer.byteLength(STYLE);
    expect(result.files).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          url: `${baseUrl}/console/app.js`,
          type: 'js',
          bodyBytes: js,
          contentLength: js,
          encoding: 'gzip',
        }),
        expect.objectContaining({
          url: `${baseUrl}/console/app.css`,
          type: 'css',
          bodyBytes: css,
          contentLength: css,
          encoding: null,
        }),
      ]),
    );
    expect(result.files).toHaveLength(2);
    expect(result.transferKB).toBeCloseTo((js + css) / 1000, 3);
    expect(result.files.every((f) => f.transferBytes > f.bodyBytes)).toBe(true);
    // The warm-up and each measured run had a cold cache: the cacheable script was fetched 4 times.
    expect(scriptFetches.count).toBe(4);
  });

  it('signs in through the pages when given a function instead of a cookie', async () => {
    const result = await consoleBench({
      baseUrl,
      runs: 1,
      log: () => {},
      signIn: async (page, hub) => {
        await page.goto(`${hub}/sign-in`);
      },
    });

    expect(result.samplesMs).toHaveLength(1);
  });

  it('fails, saying so, when the page is refused or the selector never appears', async () => {
    await expect(consoleBench({ baseUrl, runs: 1, log: () => {} })).rejects.toThrow(/answered 401/);
    await expect(
      consoleBench({
        baseUrl,
        signIn: SESSION,
        readySelector: 'main h2',
        runs: 1,
        timeoutMs: 1500,
        log: () => {},
      }),
    ).rejects.toThrow(/main h2 never appeared/);
  });
});
