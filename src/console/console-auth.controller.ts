import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
} from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PARTY_CODE_PATTERN, type AuthOptionsView, type SessionView } from '@hub/contracts';
import { AuthError } from '../auth/auth.error';
import type { AuthenticatedRequest } from '../auth/auth.guard';
import { ConsoleSessions } from '../auth/console-sessions';
import { Public } from '../auth/public.decorator';
import { RequirePermission } from '../auth/require-permission.decorator';
import { PERSON_ROLES, type Role } from '../auth/roles';
import { clearSessionCookie, sessionSecretOf, setSessionCookie } from '../auth/session-cookie';
import { CommonError } from '../common/problem/common.error';
import { validationFailed } from '../common/validation.pipe';
import { AppConfig } from '../config/app-config';
import { OidcSignIn } from './oidc-sign-in';
import { registryParties } from './registry.controller';

/** Where the console lives; a sign-in returns only to a page of it. */
export const CONSOLE_PATH = '/console/';

/** A development sign-in: any registered party, any roles (only with the development issuer). */
class DevSignInBody {
  @ApiProperty({ example: 'LA-BOKEO-POLICE' })
  @IsString()
  @Matches(PARTY_CODE_PATTERN, { message: 'must be a party code like LA-BOKEO-POLICE' })
  party!: string;

  @ApiProperty({ enum: PERSON_ROLES, isArray: true, example: ['liaison_officer'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PERSON_ROLES.length)
  @IsIn(PERSON_ROLES, { each: true })
  roles!: Role[];

  /** The officer's id; default `<party>-<first role>` in lower case. */
  @ApiPropertyOptional({ example: 'officer-somphone' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._@-]{1,100}$/, { message: 'must be 1–100 letters, digits or . _ @ -' })
  sub?: string;
}

/**
 * The console's sign-in and session routes (outside `/v1`: they concern the browser, not the
 * API's resources). Production: `GET /auth/sign-in` → the identity provider → `GET
 * /auth/callback`. Development (`AUTH_DEV_ISSUER_ENABLED=true` only): `POST /auth/dev-sign-in`
 * with a party and roles. Either way the browser gets an httpOnly session cookie and never a
 * token.
 */
@ApiTags('console')
@Controller('auth')
export class ConsoleAuthController {
  constructor(
    private readonly config: AppConfig,
    private readonly sessions: ConsoleSessions,
    private readonly oidc: OidcSignIn,
  ) {}

  @Get('options')
  @Public()
  @ApiOperation({ summary: 'How one may sign in to the console (and, in development, as whom)' })
  options(): AuthOptionsView {
    const dev = this.config.env.AUTH_DEV_ISSUER_ENABLED;
    return {
      devSignIn: dev,
      oidc: this.oidc.enabled,
      parties: dev ? registryParties(this.config.registry) : [],
      roles: PERSON_ROLES,
    };
  }

  @Post('dev-sign-in')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Development only: sign in to the console as a party and roles' })
  @ApiResponse({ status: 404, description: 'The development issuer is off (production)' })
  async devSignIn(
    @Body() body: DevSignInBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionView> {
    if (!this.config.env.AUTH_DEV_ISSUER_ENABLED) {
      throw new CommonError('not-found', 'Development sign-in is off on this hub.');
    }
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') {
      throw new AuthError('csrf-failed', `A ${site} request cannot sign anyone in.`);
    }
    if (!this.config.registry.party(body.party)) {
      throw validationFailed([{ path: 'party', message: 'is not a registered party' }]);
    }
    const roles = [...new Set(body.roles)];
    const sub = body.sub ?? `${body.party.toLowerCase()}-${roles[0] ?? 'officer'}`;
    const session = await this.sessions.open({ sub, party: body.party, roles }, 'dev');
    setSessionCookie(reply, this.config.env, session.secret, session.expiresAt);
    return {
      principal: session.principal,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
      signedInBy: 'dev',
    };
  }

  @Get('sign-in')
  @Public()
  @ApiOperation({ summary: 'Starts the sign-in at the identity provider (browser navigation)' })
  @ApiResponse({ status: 302, description: "To the identity provider's authorization endpoint" })
  @ApiQuery({
    name: 'returnTo',
    required: false,
    description: 'The console page to return to once signed in (anything else: its start page)',
  })
  async signIn(
    @Query('returnTo') returnTo: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!this.oidc.enabled) {
      throw new CommonError('not-found', 'This hub has no identity provider for the console.');
    }
    const target = await this.oidc.start(safeReturnTo(returnTo));
    void reply.redirect(target, 302);
  }

  @Get('callback')
  @Public()
  @ApiOperation({ summary: "The identity provider's redirect back (code and state)" })
  @ApiResponse({ status: 302, description: 'To the console, signed in, or to its sign-in page' })
  @ApiQuery({ name: 'code', required: false, description: 'The authorization code' })
  @ApiQuery({ name: 'state', required: false, description: 'The state the sign-in started with' })
  @ApiQuery({ name: 'error', required: false, description: "The identity provider's refusal" })
  async callback(
    // Named, not a whole object: what the handler reads is then what the OpenAPI document says
    // (other parameters of the provider's redirect, e.g. `iss`, are ignored, as they were).
    @Query('code') code: string | undefined,
    @Query('state') state: string | undefined,
    @Query('error') error: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!this.oidc.enabled) {
      throw new CommonError('not-found', 'This hub has no identity provider for the console.');
    }
    try {
      const { principal, notAfter, returnTo } = await this.oidc.finish({ code, state, error });
      const session = await this.sessions.open(principal, 'oidc', notAfter);
      setSessionCookie(reply, this.config.env, session.secret, session.expiresAt);
      void reply.redirect(safeReturnTo(returnTo), 302);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      const target = new URL(`${CONSOLE_PATH}sign-in`, 'http://hub');
      target.searchParams.set('error', error.code);
      void reply.redirect(`${target.pathname}${target.search}`, 302);
    }
  }

  @Get('session')
  @RequirePermission('identity.read')
  @ApiOperation({ summary: 'The signed-in officer and the CSRF token of the console session' })
  session(@Req() request: AuthenticatedRequest): SessionView {
    const session = request.consoleSession;
    return {
      principal: request.principal,
      csrfToken: session?.csrfToken ?? null,
      expiresAt: session?.expiresAt.toISOString() ?? null,
      signedInBy: session?.signedInBy ?? 'bearer',
    };
  }

  @Post('sign-out')
  @RequirePermission('identity.read')
  @HttpCode(204)
  @ApiOperation({ summary: 'Ends the console session (needs X-CSRF-Token)' })
  async signOut(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const secret = sessionSecretOf(request);
    if (secret !== undefined) await this.sessions.end(secret);
    clearSessionCookie(reply, this.config.env);
  }
}

/** A page of the console to return to after sign-in; anything else becomes its start page. */
export function safeReturnTo(value: string | undefined): string {
  if (
    value === undefined ||
    !value.startsWith(CONSOLE_PATH) ||
    value.includes('\\') ||
    value.includes('//') ||
    !/^[\x20-\x7e]{1,500}$/.test(value)
  ) {
    return CONSOLE_PATH;
  }
  return value;
}
