import { createServer } from 'node:net';
import { join } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import type { Pool } from 'pg';
import { DEV_ISSUER_KEY, DEV_KEYS_DIR, ensureKeyPair } from '../../src/auth/dev-keys';
import { dropDatabase } from '../../src/database/ensure-database';
import { migrateDatabase } from '../../src/database/migrate';
import { repoRoot } from '../lib/repo-root';

/** A free TCP port on 127.0.0.1, so the bench never collides with a running hub. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** The URL with another database name and, when given, another (password-less) user. */
export function withDatabase(url: string, name: string, user?: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  if (user !== undefined) {
    u.username = user;
    u.password = '';
  }
  return u.toString();
}

/** Drops the database and migrates it anew. */
export async function freshDatabase(url: string): Promise<void> {
  await dropDatabase(url);
  await migrateDatabase(url);
}

/** A development-issuer token for the bench's officer of `party`. */
export async function token(party: string, roles: string[]): Promise<string> {
  const { pair } = await ensureKeyPair(join(repoRoot(), DEV_KEYS_DIR), DEV_ISSUER_KEY);
  const key = await importJWK(pair.privateJwk, 'EdDSA');
  return new SignJWT({ party, roles })
    .setProtectedHeader({ alg: 'EdDSA', kid: pair.kid })
    .setSubject('bench-officer')
    .setIssuer('urn:mrh:dev-issuer')
    .setAudience('referral-hub')
    .setIssuedAt()
    .setExpirationTime('4h')
    .sign(key);
}

/** Polls `probe` every `pollMs` until it holds; throws after `timeoutMs`. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 180_000,
  pollMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The first column of the first row of `sql`, as a number. */
export async function count(pool: Pool, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await pool.query<{ n: string }>(sql, params);
  return Number(rows.rows[0]?.n ?? 0);
}

/** `n` fresh UUIDs. */
export function uuids(n: number): string[] {
  return Array.from({ length: n }, () => crypto.randomUUID());
}
