import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthError } from './auth.error';
import type { Principal } from './principal';
import { IS_PUBLIC } from './public.decorator';
import { TokenVerifier } from './token-verifier';

/** A request that passed {@link AuthGuard}. */
export interface AuthenticatedRequest extends FastifyRequest {
  principal: Principal;
}

/**
 * Global guard: every route needs `Authorization: Bearer <JWT>` unless marked {@link Public}.
 * Attaches the verified {@link Principal} to the request for the route and its services.
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
    request.principal = await this.verifier.verify(match[1]);
    return true;
  }
}
