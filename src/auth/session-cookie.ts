import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Env } from '../env';

/** The console's session cookie over plain HTTP (only ever to this machine: localhost). */
const PLAIN_NAME = 'mrh_session';
/** Over HTTPS: `__Host-` makes browsers refuse it unless Secure, host-only and `Path=/`. */
const SECURE_NAME = '__Host-mrh_session';

/** Header in which the console returns the session's CSRF token on state-changing requests. */
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Where officers' browsers reach the console. Plain HTTP is allowed only for localhost (the
 * setting's validation), so "Secure outside localhost" is "Secure when https".
 */
export function consoleOrigin(env: Pick<Env, 'CONSOLE_PUBLIC_URL' | 'PORT'>): URL {
  return new URL(
    env.CONSOLE_PUBLIC_URL === '' ? `http://localhost:${env.PORT}` : env.CONSOLE_PUBLIC_URL,
  );
}

function isSecure(env: Pick<Env, 'CONSOLE_PUBLIC_URL' | 'PORT'>): boolean {
  return consoleOrigin(env).protocol === 'https:';
}

/** The session secret the request's cookie carries, if any. */
export function sessionSecretOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name !== PLAIN_NAME && name !== SECURE_NAME) continue;
    const value = part.slice(eq + 1).trim();
    if (/^[A-Za-z0-9_-]{43}$/.test(value)) return value;
  }
  return undefined;
}

/** Sets the session cookie: httpOnly, SameSite=Lax, Secure over HTTPS, until `expiresAt`. */
export function setSessionCookie(
  reply: FastifyReply,
  env: Pick<Env, 'CONSOLE_PUBLIC_URL' | 'PORT'>,
  secret: string,
  expiresAt: Date,
): void {
  const secure = isSecure(env);
  const attributes = [
    `${secure ? SECURE_NAME : PLAIN_NAME}=${secret}`,
    'Path=/',
    'HttpOnly',
    // Lax, not Strict: the identity provider's redirect back is a cross-site top-level GET.
    'SameSite=Lax',
    `Expires=${expiresAt.toUTCString()}`,
    ...(secure ? ['Secure'] : []),
  ];
  void reply.header('set-cookie', attributes.join('; '));
}

/** Removes the session cookie from the browser. */
export function clearSessionCookie(
  reply: FastifyReply,
  env: Pick<Env, 'CONSOLE_PUBLIC_URL' | 'PORT'>,
): void {
  const secure = isSecure(env);
  const name = secure ? SECURE_NAME : PLAIN_NAME;
  void reply.header(
    'set-cookie',
    `${name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`,
  );
}
