import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal';
import { CommonError } from '../common/problem/common.error';
import { TokenBuckets } from './token-buckets';

/** What the limiter needs of the token verifier: the same check the auth guard makes. */
export interface TokenIdentifier {
  verify(token: string): Promise<Principal>;
}

/** What the limiter needs of the console's sessions: the session a request's cookie opens. */
export interface SessionIdentifier {
  forRequest(request: FastifyRequest): Promise<{ principal: Principal } | undefined>;
}

/** Limits of {@link RequestRateLimit}, from the environment. */
export interface RateLimitSettings {
  perOfficer: number;
  perAddress: number;
  windowSeconds: number;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/**
 * Paths never limited: probes and scrapers must always get through, and the console's hashed
 * files (fonts, scripts: a first page fetches a dozen, cached for a year after) cost a file read.
 */
export function isExemptFromRateLimit(path: string): boolean {
  return path === '/metrics' || path.startsWith('/health/') || path.startsWith('/console/assets/');
}

/**
 * Rate limiting per caller, before the body is read. A request with a valid token or console
 * session counts against its officer (`sub` + `party`), whatever address it comes from; any other
 * request — no token, a forged or expired one — counts against its client address, so that
 * guessing tokens is limited too. Tokens are verified with the auth guard's own verifier (a forged `sub` cannot pick someone
 * else's bucket); it remembers verified tokens, so an officer's requests cost one map lookup.
 * Limits hold per hub instance.
 */
export class RequestRateLimit {
  private readonly officers: TokenBuckets;
  private readonly addresses: TokenBuckets;

  constructor(
    private readonly verifier: TokenIdentifier,
    private readonly sessions: SessionIdentifier,
    settings: RateLimitSettings,
  ) {
    this.officers = new TokenBuckets(settings.perOfficer, settings.windowSeconds);
    this.addresses = new TokenBuckets(settings.perAddress, settings.windowSeconds);
  }

  /** @throws CommonError `rate-limited` with `retryAfterSeconds` when the caller's bucket is empty. */
  async check(request: FastifyRequest): Promise<void> {
    const officer =
      request.headers.authorization === undefined
        ? await this.sessionOfficer(request)
        : await this.officerOf(request.headers.authorization);
    const decision =
      officer !== undefined
        ? this.officers.take(officer)
        : this.addresses.take(`address:${request.ip}`);
    if (!decision.allowed) {
      throw new CommonError(
        'rate-limited',
        `Too many requests; retry in ${decision.retryAfterSeconds} s.`,
        undefined,
        { retryAfterSeconds: decision.retryAfterSeconds },
      );
    }
  }

  private async sessionOfficer(request: FastifyRequest): Promise<string | undefined> {
    const session = await this.sessions.forRequest(request).catch(() => undefined);
    return session && `officer:${session.principal.party}:${session.principal.sub}`;
  }

  private async officerOf(header: string | undefined): Promise<string | undefined> {
    const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
    if (token === undefined) return undefined;
    try {
      const principal = await this.verifier.verify(token);
      return `officer:${principal.party}:${principal.sub}`;
    } catch {
      return undefined;
    }
  }
}
