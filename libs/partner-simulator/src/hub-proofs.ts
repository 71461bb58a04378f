import { readFile } from 'node:fs/promises';
import type { ProofSource } from './witness';

/** Gives the bearer token of the next request to the hub. */
export type TokenProvider = () => Promise<string>;

/** How to reach the hub's HTTP API. */
export interface HubProofSourceOptions {
  /** The hub's base URL, e.g. `http://127.0.0.1:3000`. */
  readonly hubUrl: string;
  /** A token with a role that may read audit proofs (`witness`). */
  readonly token: TokenProvider;
  /** How long one request may take, in ms (default 10 s). */
  readonly timeoutMs?: number;
  /** The fetch to use; defaults to Node's global fetch. */
  readonly fetch?: typeof fetch;
}

/** The hub answered with an error, or with something that is not a proof for the range asked. */
export class HubRequestError extends Error {
  override readonly name = 'HubRequestError';

  constructor(
    message: string,
    /** The HTTP status, when the hub answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * The hub's consistency proofs over HTTP: `GET /v1/audit/proofs/consistency?from=&to=`, answered
 * `{ from, to, proof: [base64 hash, …] }`. Any failure to get such an answer throws (the witness
 * then waits for the next checkpoint); a proof that is served is returned as served, for the
 * witness to verify: only the witness decides whether it proves anything.
 */
export class HubProofSource implements ProofSource {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: HubProofSourceOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  async consistencyProof(from: number, to: number): Promise<string[]> {
    const base = this.options.hubUrl.replace(/\/+$/, '');
    const url = `${base}/v1/audit/proofs/consistency?from=${from}&to=${to}`;
    const response = await this.fetch(url, {
      headers: {
        authorization: `Bearer ${await this.options.token()}`,
        accept: 'application/json',
      },
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const detail =
        isRecord(body) && typeof body['detail'] === 'string' ? body['detail'] : response.statusText;
      throw new HubRequestError(`GET ${url}: ${response.status} ${detail}`, response.status);
    }
    if (
      !isRecord(body) ||
      body['from'] !== from ||
      body['to'] !== to ||
      !isStringArray(body['proof'])
    ) {
      throw new HubRequestError(
        `GET ${url}: the answer is not a consistency proof from ${from} to ${to}`,
      );
    }
    return body['proof'];
  }
}

/**
 * A token provider that mints a token when it has none or the one it has expires within
 * `marginMs`, so a request never leaves with a token about to lapse. A failed minting is tried
 * again at the next call.
 */
export function renewingToken(
  mint: () => Promise<{ token: string; expiresAt: Date }>,
  now: () => Date = () => new Date(),
  marginMs = 60_000,
): TokenProvider {
  let current: Promise<{ token: string; expiresAt: Date }> | undefined;
  return async () => {
    const held = current === undefined ? undefined : await current.catch(() => undefined);
    if (held !== undefined && held.expiresAt.getTime() - now().getTime() > marginMs) {
      return held.token;
    }
    current = mint();
    return (await current).token;
  };
}

/**
 * A token provider that reads the token from a file at each request (so a token renewed by
 * another program is picked up), without its final newline.
 */
export function tokenFromFile(path: string): TokenProvider {
  return async () => {
    const token = (await readFile(path, 'utf8')).trim();
    if (token === '') throw new Error(`the token file ${path} is empty`);
    return token;
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
