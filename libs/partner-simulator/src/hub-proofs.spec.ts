import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubProofSource, HubRequestError, renewingToken, tokenFromFile } from './hub-proofs';

/* HubProofSource against a real HTTP server on the loopback that plays the hub's proof route. */

const HASH = Buffer.alloc(32, 7).toString('base64');
let server: Server;
let hubUrl: string;
let seen: IncomingMessage[];
let answer: (url: URL) => { status: number; body: unknown };

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request);
    const { status, body } = answer(new URL(request.url ?? '/', 'http://hub'));
    response.writeHead(status, {
      'content-type': status < 300 ? 'application/json' : 'application/problem+json',
    });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  answer = (url) => ({
    status: 200,
    body: {
      from: Number(url.searchParams.get('from')),
      to: Number(url.searchParams.get('to')),
      proof: [HASH],
    },
  });
});

const source = (): HubProofSource =>
  new HubProofSource({ hubUrl, token: () => Promise.resolve('tok-1') });

describe(HubProofSource.name, () => {
  it('asks GET /v1/audit/proofs/consistency with the bearer token and returns the proof', async () => {
    await expect(source().consistencyProof(3, 8)).resolves.toEqual([HASH]);

    expect(seen.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
      ['GET', '/v1/audit/proofs/consistency?from=3&to=8', 'Bearer tok-1'],
    ]);
  });

  it('returns a served proof as served, even malformed: the witness judges it', async () => {
    answer = () => ({ status: 200, body: { from: 1, to: 2, proof: ['not a hash'] } });

    await expect(source().consistencyProof(1, 2)).resolves.toEqual(['not a hash']);
  });

  it('throws the problem detail of an error answer, with its status', async () => {
    answer = () => ({
      status: 403,
      body: { title: 'Forbidden', detail: 'role witness may not read this' },
    });

    const error = await source()
      .consistencyProof(1, 2)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HubRequestError);
    expect(error).toMatchObject({
      status: 403,
      message: expect.stringContaining('403 role witness may not read this'),
    });
  });

  it.each([
    ['for another range', { from: 1, to: 3, proof: [HASH] }],
    ['without a proof', { from: 1, to: 2 }],
    ['with a proof that is no list of strings', { from: 1, to: 2, proof: [1] }],
  ])('throws on an answer %s', async (_what, body) => {
    answer = () => ({ status: 200, body });

    await expect(source().consistencyProof(1, 2)).rejects.toThrow(
      'is not a consistency proof from 1 to 2',
    );
  });

  it('throws when the hub cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = new HubProofSource({
      hubUrl: `http://127.0.0.1:${port}`,
      token: () => Promise.resolve('t'),
    });

    await expect(unreachable.consistencyProof(1, 2)).rejects.toThrow('fetch failed');
  });
});

describe(renewingToken.name, () => {
  it('mints once, and again only when the token is within the margin of its expiry', async () => {
    let clock = new Date('2026-03-02T00:00:00Z');
    let minted = 0;
    const provider = renewingToken(
      () => {
        minted += 1;
        return Promise.resolve({
          token: `t${minted}`,
          expiresAt: new Date(clock.getTime() + 300_000),
        });
      },
      () => clock,
      60_000,
    );

    expect([await provider(), await provider()]).toEqual(['t1', 't1']);
    clock = new Date(clock.getTime() + 239_000);
    expect(await provider()).toBe('t1');
    clock = new Date(clock.getTime() + 2_000);
    expect(await provider()).toBe('t2');
  });

  it('tries again after a failed minting', async () => {
    let fail = true;
    const provider = renewingToken(() =>
      fail
        ? Promise.reject(new Error('no key'))
        : Promise.resolve({ token: 'ok', expiresAt: new Date(Date.now() + 3_600_000) }),
    );

    await expect(provider()).rejects.toThrow('no key');
    fail = false;
    await expect(provider()).resolves.toBe('ok');
  });
});

describe(tokenFromFile.name, () => {
  it('reads the file at each call, without its newline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-'));
    try {
      const file = join(dir, 'token');
      writeFileSync(file, 'first\n');
      const provider = tokenFromFile(file);
      expect(await provider()).toBe('first');
      writeFileSync(file, 'second\n');
      expect(await provider()).toBe('second');
      writeFileSync(file, '\n');
      await expect(provider()).rejects.toThrow('is empty');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
