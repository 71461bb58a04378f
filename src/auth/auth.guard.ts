import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthError } from './auth.error';
import { isPermission, requireGrant } from './permissions';
import type { Principal } from './principal';
import { IS_PUBLIC } from './public.decorator';
import { REQUIRED_PERMISSION } from './require-permission.decorator';
import { TokenVerifier } from './token-verifier';

/** A request that passed {@link AuthGuard}. */
export interface AuthenticatedRequest extends FastifyRequest {
  principal: Principal;
}

/**
 * Global guard: every route needs `Authorization: Bearer <JWT>` unless marked {@link Public}, and
 * a caller whose roles grant the route's declared action (`@RequirePermission`) in some scope;
 * otherwise 403. Attaches the verified {@link Principal} to the request for the route and its
 * services, which apply the scope (which referrals) themselves. A route that declares nothing is
 * refused: the start-up check should have stopped the hub already.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic === true) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      throw new AuthError('missing-token', 'Send "Authorization: Bearer <token>".');
    }
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header);
    if (!match?.[1]) {
      throw new AuthError('invalid-token', 'The Authorization header is not "Bearer <JWT>".');
    }
    const principal = await this.verifier.verify(match[1]);
    request.principal = principal;
    const permission: unknown = this.reflector.get(REQUIRED_PERMISSION, context.getHandler());
    if (!isPermission(permission)) {
      throw new AuthError('forbidden', 'This route declares no permission; nobody may call it.');
    }
    requireGrant(principal, permission);
    return true;
  }
}
