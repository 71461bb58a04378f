import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import type { Principal } from './principal';
import { isRole, type Role } from './roles';
import { sessionSecretOf } from './session-cookie';

/** How the session's officer proved who they are. */
export type SignInMethod = 'dev' | 'oidc';

/** A console session as the guard and the console's routes see it. */
export interface ConsoleSession {
  principal: Principal;
  /** Sent back by the console in `X-CSRF-Token` on every state-changing request. */
  csrfToken: string;
  signedInBy: SignInMethod;
  expiresAt: Date;
}

/** A session just opened: the cookie's secret is known only at this moment. */
export interface OpenedSession extends ConsoleSession {
  secret: string;
}

interface SessionRow {
  sub: string;
  party: string;
  roles: string[];
  csrf_token: string;
  signed_in_by: SignInMethod;
  last_seen_at: Date;
  expires_at: Date;
}

/** `last_seen_at` is written at most this often, not on every request. */
const TOUCH_AFTER_MS = 60_000;

/**
 * Browser sessions of the officers' console. The cookie holds a 256-bit random secret; the table
 * holds only its SHA-256, the principal the sign-in established, and a CSRF token. A session ends
 * at sign-out, after `CONSOLE_SESSION_IDLE_MINUTES` without a request, or
 * `CONSOLE_SESSION_MAX_HOURS` after sign-in (earlier if the identity provider's token expired
 * earlier); its party must still be registered.
 */
@Injectable()
export class ConsoleSessions {
  private readonly perRequest = new WeakMap<FastifyRequest, Promise<ConsoleSession | undefined>>();

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: Transactions,
  ) {}

  /** Opens a session for `principal`, ending no later than `notAfter`. */
  async open(
    principal: Pick<Principal, 'sub' | 'party' | 'roles'>,
    signedInBy: SignInMethod,
    notAfter?: Date,
  ): Promise<OpenedSession> {
    const now = new Date();
    const max = new Date(now.getTime() + this.config.env.CONSOLE_SESSION_MAX_HOURS * 3_600_000);
    const expiresAt = notAfter && notAfter < max ? notAfter : max;
    const secret = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    await this.transactions.query(
      `INSERT INTO console_sessions
         (id_hash, sub, party, roles, csrf_token, signed_in_by, created_at, last_seen_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)`,
      [
        digest(secret),
        principal.sub,
        principal.party,
        principal.roles,
        csrfToken,
        signedInBy,
        now,
        expiresAt,
      ],
    );
    // Sessions that ended are swept as new ones begin: no timer, no table that only grows.
    await this.transactions.query(
      `DELETE FROM console_sessions WHERE expires_at < $1 OR last_seen_at < $2`,
      [now, this.idleCutoff(now)],
    );
    const found = this.principalOf({
      sub: principal.sub,
      party: principal.party,
      roles: [...principal.roles],
    });
    if (!found) throw new Error(`cannot open a session for unregistered party ${principal.party}`);
    return { secret, principal: found, csrfToken, signedInBy, expiresAt };
  }

  /**
   * The live session of the request's cookie, if any: looked up once per request, however many
   * ask (the rate limiter, then the guard).
   */
  forRequest(request: FastifyRequest): Promise<ConsoleSession | undefined> {
    let found = this.perRequest.get(request);
    if (!found) {
      const secret = sessionSecretOf(request);
      found = secret === undefined ? Promise.resolve(undefined) : this.find(secret);
      this.perRequest.set(request, found);
    }
    return found;
  }

  /** The live session whose cookie holds `secret`, or undefined (unknown, ended, idle). */
  async find(secret: string): Promise<ConsoleSession | undefined> {
    const now = new Date();
    const rows = await this.transactions.query<SessionRow>(
      `SELECT sub, party, roles, csrf_token, signed_in_by, last_seen_at, expires_at
         FROM console_sessions WHERE id_hash = $1 AND expires_at > $2 AND last_seen_at > $3`,
      [digest(secret), now, this.idleCutoff(now)],
    );
    const row = rows[0];
    if (!row) return undefined;
    const principal = this.principalOf(row);
    if (!principal) return undefined;
    if (now.getTime() - row.last_seen_at.getTime() > TOUCH_AFTER_MS) {
      await this.transactions.query(
        `UPDATE console_sessions SET last_seen_at = $2 WHERE id_hash = $1`,
        [digest(secret), now],
      );
    }
    return {
      principal,
      csrfToken: row.csrf_token,
      signedInBy: row.signed_in_by,
      expiresAt: row.expires_at,
    };
  }

  /** Ends the session whose cookie holds `secret` (nothing if there is none). */
  async end(secret: string): Promise<void> {
    await this.transactions.query(`DELETE FROM console_sessions WHERE id_hash = $1`, [
      digest(secret),
    ]);
  }

  private idleCutoff(now: Date): Date {
    return new Date(now.getTime() - this.config.env.CONSOLE_SESSION_IDLE_MINUTES * 60_000);
  }

  private principalOf(row: Pick<SessionRow, 'sub' | 'party' | 'roles'>): Principal | undefined {
    const party = this.config.registry.party(row.party);
    if (!party) return undefined;
    const roles = row.roles.filter(isRole) satisfies Role[];
    return {
      sub: row.sub,
      party: row.party,
      country: party.country,
      channel: party.channel,
      roles,
    };
  }
}

/** Whether the `X-CSRF-Token` a request carried is the session's (constant time). */
export function csrfTokenMatches(session: ConsoleSession, sent: string | undefined): boolean {
  if (sent === undefined) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
