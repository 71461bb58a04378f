import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';

/** Algorithms the test IdP can sign with (as a Keycloak realm's key providers can). */
export type IdpAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

/** What the key endpoint does: answer, never answer, or fail. */
export type IdpMode = 'serve' | 'hang' | 'fail';

interface IdpKey {
  kid: string;
  alg: IdpAlgorithm;
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** In the JWKS the IdP serves. */
  published: boolean;
}

/** Claims of a token the IdP issues; defaults give a Keycloak-shaped Bokeo liaison officer. */
export interface IdpTokenSpec {
  sub?: string;
  party?: string | undefined;
  /** Placed where Keycloak puts realm roles: `realm_access.roles`. */
  realmRoles?: string[];
  /** Extra claims (e.g. a top-level `roles`). */
  extra?: JWTPayload;
  issuer?: string;
  audience?: string | string[];
  expiresIn?: string | number;
  /** Sign with this key (default: the active one). */
  kid?: string;
  /** Put this `kid` in the header instead of the signing key's. */
  headerKid?: string | null;
}

/**
 * A local OpenID Connect issuer for tests: a real HTTP server on 127.0.0.1 that publishes a JWKS at
 * Keycloak's path (`/realms/<realm>/protocol/openid-connect/certs`) and the discovery document, and
 * signs access tokens shaped like Keycloak's with keys it can rotate in and retire. Counts the
 * fetches of its key set, and can hang or fail to test the hub's timeouts.
 */
export class TestIdp {
  /** How many times the key set was asked for. */
  jwksFetches = 0;
  mode: IdpMode = 'serve';

  private readonly keys: IdpKey[] = [];
  private active: IdpKey | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
  ) {}

  /** Starts the IdP on a free port with one active key of `alg`. */
  static async start(alg: IdpAlgorithm = 'RS256', realm = 'mekong'): Promise<TestIdp> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const idp = new TestIdp(server, `http://127.0.0.1:${port}/realms/${realm}`);
    server.on('connection', (socket) => {
      idp.sockets.add(socket);
      socket.on('close', () => idp.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      const path = new URL(req.url ?? '/', idp.issuer).pathname;
      if (path === new URL(idp.jwksUrl).pathname) {
        idp.jwksFetches++;
        if (idp.mode === 'hang') return; // never answers; closed with the server
        if (idp.mode === 'fail') {
          res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ keys: idp.keys.filter((k) => k.published).map((k) => k.publicJwk) }),
        );
        return;
      }
      if (path === new URL(`${idp.issuer}/.well-known/openid-configuration`).pathname) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ issuer: idp.issuer, jwks_uri: idp.jwksUrl }));
        return;
      }
      res.writeHead(404).end();
    });
    idp.active = await idp.addKey(alg);
    return idp;
  }

  /** Keycloak's key endpoint of the realm. */
  get jwksUrl(): string {
    return `${this.issuer}/protocol/openid-connect/certs`;
  }

  /** The kid of the key that signs by default. */
  get activeKid(): string {
    if (!this.active) throw new Error('the IdP has no active key');
    return this.active.kid;
  }

  /** A new key pair; published in the JWKS unless told otherwise. Returns its kid. */
  async addKey(alg: IdpAlgorithm, published = true): Promise<IdpKey> {
    const { privateKey, publicKey } =
      alg === 'EdDSA'
        ? await generateKeyPair('EdDSA', { crv: 'Ed25519' })
        : await generateKeyPair(alg);
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    const key: IdpKey = {
      kid,
      alg,
      privateKey,
      publicJwk: { ...jwk, kid, alg, use: 'sig' },
      published,
    };
    this.keys.push(key);
    return key;
  }

  /** Rotates: a new key is published and signs from now on; the old one stays published. */
  async rotate(alg: IdpAlgorithm = this.active?.alg ?? 'RS256'): Promise<string> {
    this.active = await this.addKey(alg);
    return this.active.kid;
  }

  /** Takes a key out of the JWKS (it may still sign, for forged tokens). */
  retire(kid: string): void {
    const key = this.keys.find((k) => k.kid === kid);
    if (!key) throw new Error(`no key ${kid}`);
    key.published = false;
  }

  /** An access token as Keycloak issues it: `realm_access.roles`, `party`, `azp`, `typ`. */
  async token(spec: IdpTokenSpec = {}): Promise<string> {
    const key = spec.kid === undefined ? this.active : this.keys.find((k) => k.kid === spec.kid);
    if (!key) throw new Error(`no key ${spec.kid ?? '(active)'}`);
    const claims: JWTPayload = {
      typ: 'Bearer',
      azp: 'referral-console',
      preferred_username: 'khamla.s',
      realm_access: {
        roles: spec.realmRoles ?? ['offline_access', 'default-roles-mekong', 'liaison_officer'],
      },
      ...('party' in spec
        ? spec.party === undefined
          ? {}
          : { party: spec.party }
        : { party: 'LA-BOKEO-POLICE' }),
      ...spec.extra,
    };
    const header = {
      alg: key.alg,
      typ: 'JWT',
      ...(spec.headerKid === null ? {} : { kid: spec.headerKid ?? key.kid }),
    };
    return new SignJWT(claims)
      .setProtectedHeader(header)
      .setSubject(spec.sub ?? randomUUID())
      .setIssuer(spec.issuer ?? this.issuer)
      .setAudience(spec.audience ?? ['referral-hub', 'account'])
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(spec.expiresIn ?? '5m')
      .sign(key.privateKey);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
