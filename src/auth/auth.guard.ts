import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthError } from './auth.error';
import { ConsoleSessions, csrfTokenMatches, type ConsoleSession } from './console-sessions';
import { isPermission, requireGrant } from './permissions';
import type { Principal } from './principal';
import { IS_PUBLIC } from './public.decorator';
import { REQUIRED_PERMISSION } from './require-permission.decorator';
import { CSRF_HEADER, sessionSecretOf } from './session-cookie';
import { TokenVerifier } from './token-verifier';

/** A request that passed {@link AuthGuard}. */
export interface AuthenticatedRequest extends FastifyRequest {
  principal: Principal;
  /** Set when the caller is the console, signed in with a session cookie. */
  consoleSession?: ConsoleSession;
}

/** Methods that change nothing; every other one from a browser session needs the CSRF token. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard: every route needs a caller unless marked {@link Public} — `Authorization: Bearer
 * <JWT>` (API clients), or the console's session cookie — and a caller whose roles grant the
 * route's declared action (`@RequirePermission`) in some scope; otherwise 403. Attaches the
 * verified {@link Principal} to the request for the route and its services, which apply the
 * scope (which referrals) themselves. A route that declares nothing is refused: the start-up
 * check should have stopped the hub already.
 *
 * A cookie travels with every request the browser makes, cross-site ones included, so a
 * state-changing request on a session must also carry the session's CSRF token in
 * `X-CSRF-Token` (which another site cannot read or set) and must not be marked cross-site by
 * the browser (`Sec-Fetch-Site`). A bearer token is never sent by a browser on its own.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly sessions: ConsoleSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic === true) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request);
    request.principal = principal;
    const permission: unknown = this.reflector.get(REQUIRED_PERMISSION, context.getHandler());
    if (!isPermission(permission)) {
      throw new AuthError('forbidden', 'This route declares no permission; nobody may call it.');
    }
    requireGrant(principal, permission);
    return true;
  }

  private async authenticate(request: AuthenticatedRequest): Promise<Principal> {
    const header = request.headers.authorization;
    if (header !== undefined && header !== '') {
      const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header);
      if (!match?.[1]) {
        throw new AuthError('invalid-token', 'The Authorization header is not "Bearer <JWT>".');
      }
      return this.verifier.verify(match[1]);
    }
    if (sessionSecretOf(request) === undefined) {
      throw new AuthError(
        'missing-token',
        'Send "Authorization: Bearer <token>", or sign in to the console.',
      );
    }
    const session = await this.sessions.forRequest(request);
    if (!session) {
      throw new AuthError('missing-token', 'Your console session has ended; sign in again.');
    }
    if (!SAFE_METHODS.has(request.method)) requireSameOrigin(request, session);
    request.consoleSession = session;
    return session.principal;
  }
}

/** Refuses a state-changing session request that another site could have made. */
export function requireSameOrigin(request: FastifyRequest, session: ConsoleSession): void {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') {
    throw new AuthError('csrf-failed', `A ${site} request cannot change anything.`);
  }
  const sent = request.headers[CSRF_HEADER];
  if (!csrfTokenMatches(session, typeof sent === 'string' ? sent : undefined)) {
    throw new AuthError(
      'csrf-failed',
      'A state-changing request of the console must carry the session\'s token in "X-CSRF-Token".',
    );
  }
}
