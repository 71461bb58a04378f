import type { FastifyReply } from 'fastify';

/**
 * Headers every response carries, errors and 404s included (helmet's set, tightened for an API
 * that serves JSON only): nothing may be sniffed, framed, or load anything.
 */
export const SECURITY_HEADERS: readonly (readonly [name: string, value: string])[] = [
  ['content-security-policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"],
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
  ['referrer-policy', 'no-referrer'],
  // Ignored over plain HTTP; harmless behind a TLS-terminating proxy, protective there.
  ['strict-transport-security', 'max-age=31536000; includeSubDomains'],
  ['cross-origin-opener-policy', 'same-origin'],
  ['cross-origin-resource-policy', 'same-origin'],
  ['x-permitted-cross-domain-policies', 'none'],
  ['x-dns-prefetch-control', 'off'],
];

/**
 * The API documentation page (Swagger UI) is the one HTML page: it loads its own scripts, styles
 * and images and fetches the OpenAPI document, from this origin only.
 */
export const DOCS_CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
  "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/**
 * The console's pages: scripts, styles, fonts and data from this origin only — no inline script
 * or style, no eval, no other site — and nothing may frame them.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self'; " +
  "img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; " +
  "base-uri 'none'; form-action 'self'";

/** Sets {@link SECURITY_HEADERS} (and `no-store` under `/v1`, whose answers carry case data). */
export function setSecurityHeaders(reply: FastifyReply, path: string): void {
  for (const [name, value] of SECURITY_HEADERS) void reply.header(name, value);
  if (path === '/docs' || path.startsWith('/docs/')) {
    void reply.header('content-security-policy', DOCS_CONTENT_SECURITY_POLICY);
  }
  if (path === '/console' || path.startsWith('/console/')) {
    void reply.header('content-security-policy', CONSOLE_CONTENT_SECURITY_POLICY);
  }
  // Every /v1 answer is about cases or the caller: no browser or proxy may keep a copy.
  if (path === '/v1' || path.startsWith('/v1/')) void reply.header('cache-control', 'no-store');
}
