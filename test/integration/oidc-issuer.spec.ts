import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import { AuthError } from '../../src/auth/auth.error';
import { remoteKeys, type RemoteKeysOptions } from '../../src/auth/remote-keys';
import {
  CONTRACT_CLAIMS,
  TokenVerifier,
  type ClaimPaths,
  type TrustedIssuer,
} from '../../src/auth/token-verifier';
import { loadPartyRegistry } from '../../src/parties/party-registry';
import { TestIdp } from '../support/test-idp';

const registry = loadPartyRegistry('config');

const KEYCLOAK_CLAIMS: ClaimPaths = {
  sub: 'sub',
  party: 'party',
  roles: ['roles', 'realm_access.roles'],
};

/** A verifier that trusts `idp` alone, with jose's remote key set as the hub configures it. */
function verifierFor(
  idp: TestIdp,
  keys: Partial<RemoteKeysOptions> = {},
  overrides: Partial<TrustedIssuer> = {},
): TokenVerifier {
  return new TokenVerifier(
    [
      {
        issuer: idp.issuer,
        audience: 'referral-hub',
        algorithms: ['RS256', 'ES256', 'EdDSA'],
        key: remoteKeys(idp.jwksUrl, {
          timeoutMs: 2000,
          cooldownMs: 0,
          cacheMaxAgeMs: 600_000,
          ...keys,
        }),
        claims: KEYCLOAK_CLAIMS,
        ...overrides,
      },
    ],
    30,
    registry,
  );
}

/** The code of the refusal `verify` ends in (or `accepted`). */
async function outcome(verifier: TokenVerifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
    return 'accepted';
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    throw error;
  }
}

describe('tokens of an external OpenID Connect issuer', () => {
  let idp: TestIdp;

  beforeEach(async () => {
    idp = await TestIdp.start('RS256');
  });

  afterEach(async () => {
    await idp.close();
  });

  describe('claims', () => {
    it("maps a Keycloak access token to the contract's sub, party and roles", async () => {
      const verifier = verifierFor(idp);

      const principal = await verifier.verify(
        await idp.token({
          sub: 'f3c1e0a2',
          realmRoles: ['offline_access', 'supervisor', 'uma_authorization'],
        }),
      );

      expect(principal).toEqual({
        sub: 'f3c1e0a2',
        party: 'LA-BOKEO-POLICE',
        country: 'LA',
        channel: 'http',
        roles: ['supervisor'],
      });
    });

    it('prefers a top-level roles claim to realm_access.roles', async () => {
      const principal = await verifierFor(idp).verify(
        await idp.token({ realmRoles: ['supervisor'], extra: { roles: ['auditor'] } }),
      );

      expect(principal.roles).toEqual(['auditor']);
    });

    it('reads claims where the settings say (user name, client roles)', async () => {
      const verifier = verifierFor(
        idp,
        {},
        {
          claims: {
            sub: 'preferred_username',
            party: 'party',
            roles: ['resource_access.referral-hub.roles'],
          },
        },
      );

      const principal = await verifier.verify(
        await idp.token({
          realmRoles: [],
          extra: { resource_access: { 'referral-hub': { roles: ['auditor'] } } },
        }),
      );

      expect(principal).toMatchObject({ sub: 'khamla.s', roles: ['auditor'] });
    });

    it.each([
      ['no party claim', { party: undefined }],
      ['an unregistered party', { party: 'XX-NOBODY' }],
      ['only roles the hub does not know', { realmRoles: ['offline_access', 'god'] }],
    ])('refuses a token with %s', async (_what, spec) => {
      expect(await outcome(verifierFor(idp), await idp.token(spec))).toBe('invalid-token');
    });
  });

  describe('keys', () => {
    it('verifies the keys of every algorithm the settings allow, and no other', async () => {
      const verifier = verifierFor(idp);
      const rsaOnly = verifierFor(idp, {}, { algorithms: ['RS256'] });
      const ec = await idp.addKey('ES256');
      const ed = await idp.addKey('EdDSA');

      expect(await outcome(verifier, await idp.token())).toBe('accepted');
      expect(await outcome(verifier, await idp.token({ kid: ec.kid }))).toBe('accepted');
      expect(await outcome(verifier, await idp.token({ kid: ed.kid }))).toBe('accepted');
      expect(await outcome(rsaOnly, await idp.token({ kid: ec.kid }))).toBe('invalid-token');
    });

    it('verifies a token by a key rotated in after the set was cached, fetching it once', async () => {
      const verifier = verifierFor(idp, { cooldownMs: 0 });
      const old = idp.activeKid;
      expect(await outcome(verifier, await idp.token())).toBe('accepted');
      const fetchesBefore = idp.jwksFetches;

      const rotated = await idp.rotate();
      const results = [
        await outcome(verifier, await idp.token()),
        await outcome(verifier, await idp.token()),
        await outcome(verifier, await idp.token({ kid: old })),
      ];

      expect(rotated).not.toBe(old);
      expect(results).toEqual(['accepted', 'accepted', 'accepted']);
      expect(idp.jwksFetches - fetchesBefore).toBe(1);
    });

    it('refuses a key the issuer has retired, once it has fetched the set again', async () => {
      const verifier = verifierFor(idp, { cooldownMs: 0 });
      const old = idp.activeKid;
      expect(await outcome(verifier, await idp.token())).toBe('accepted');

      await idp.rotate();
      idp.retire(old);
      expect(await outcome(verifier, await idp.token())).toBe('accepted');

      expect(await outcome(verifier, await idp.token({ kid: old }))).toBe('invalid-token');
    });

    it('refuses a token by a key the issuer never published', async () => {
      const verifier = verifierFor(idp);
      const stranger = await idp.addKey('RS256', false);

      expect(await outcome(verifier, await idp.token({ kid: stranger.kid }))).toBe('invalid-token');
    });

    it("refuses a token whose kid names the issuer's key but whose signature is another's", async () => {
      const verifier = verifierFor(idp);
      const stranger = await idp.addKey('RS256', false);

      const forged = await idp.token({ kid: stranger.kid, headerKid: idp.activeKid });

      expect(await outcome(verifier, forged)).toBe('invalid-token');
    });

    it('takes a token without a kid only while one key could have signed it', async () => {
      const verifier = verifierFor(idp);
      const alone = await outcome(verifier, await idp.token({ headerKid: null }));

      await idp.rotate();
      const several = await outcome(verifier, await idp.token({ headerKid: null }));

      expect({ alone, several }).toEqual({ alone: 'accepted', several: 'invalid-token' });
    });

    it('does not let forged kids make it fetch the set again within the cooldown', async () => {
      const verifier = verifierFor(idp, { cooldownMs: 600_000 });
      expect(await outcome(verifier, await idp.token())).toBe('accepted');
      const fetches = idp.jwksFetches;
      const stranger = await idp.addKey('RS256', false);

      for (let i = 0; i < 5; i++) {
        expect(await outcome(verifier, await idp.token({ kid: stranger.kid }))).toBe(
          'invalid-token',
        );
      }

      expect(idp.jwksFetches).toBe(fetches);
    });

    it('within the cooldown, also refuses a key rotated in just now (hence: publish before use)', async () => {
      const verifier = verifierFor(idp, { cooldownMs: 600_000 });
      expect(await outcome(verifier, await idp.token())).toBe('accepted');

      await idp.rotate();

      expect(await outcome(verifier, await idp.token())).toBe('invalid-token');
    });
  });

  describe('tokens', () => {
    it.each([
      ['from another issuer', { issuer: 'https://evil.example/realms/mekong' }],
      ['for another audience', { audience: 'account' }],
      ['expired', { expiresIn: Math.floor(Date.now() / 1000) - 3600 }],
    ])('refuses a token %s', async (_what, spec) => {
      expect(await outcome(verifierFor(idp), await idp.token(spec))).toBe('invalid-token');
    });

    it('refuses an unsecured token (alg none) claiming the issuer', async () => {
      const token = new UnsecuredJWT({ party: 'LA-BOKEO-POLICE', roles: ['admin'] })
        .setIssuer(idp.issuer)
        .setAudience('referral-hub')
        .setSubject('x')
        .setExpirationTime('5m')
        .encode();

      expect(await outcome(verifierFor(idp), token)).toBe('invalid-token');
    });

    it('refuses an HMAC token keyed with something public (algorithm confusion)', async () => {
      const token = await new SignJWT({ party: 'LA-BOKEO-POLICE', roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256', kid: idp.activeKid })
        .setIssuer(idp.issuer)
        .setAudience('referral-hub')
        .setSubject('x')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(idp.jwksUrl));

      expect(await outcome(verifierFor(idp), token)).toBe('invalid-token');
    });

    it('keeps the development issuer apart: its key cannot sign for the external issuer', async () => {
      const dev = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      const verifier = new TokenVerifier(
        [
          {
            issuer: 'urn:mrh:dev-issuer',
            audience: 'referral-hub',
            algorithms: ['EdDSA'],
            key: dev.publicKey,
            claims: CONTRACT_CLAIMS,
          },
          {
            issuer: idp.issuer,
            audience: 'referral-hub',
            algorithms: ['RS256', 'EdDSA'],
            key: remoteKeys(idp.jwksUrl, {
              timeoutMs: 2000,
              cooldownMs: 0,
              cacheMaxAgeMs: 600_000,
            }),
            claims: KEYCLOAK_CLAIMS,
          },
        ],
        30,
        registry,
      );
      const claims = { party: 'LA-BOKEO-POLICE', roles: ['admin'] };
      const signed = (issuer: string): Promise<string> =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'EdDSA' })
          .setIssuer(issuer)
          .setAudience('referral-hub')
          .setSubject('x')
          .setExpirationTime('5m')
          .sign(dev.privateKey);

      expect(await outcome(verifier, await signed('urn:mrh:dev-issuer'))).toBe('accepted');
      expect(await outcome(verifier, await signed(idp.issuer))).toBe('invalid-token');
      expect(await outcome(verifier, await idp.token())).toBe('accepted');
    });
  });

  describe('an issuer that does not answer', () => {
    it('is unavailable (503), not a forged token, when its keys cannot be fetched in time', async () => {
      const verifier = verifierFor(idp, { timeoutMs: 300 });
      idp.mode = 'hang';

      expect(await outcome(verifier, await idp.token())).toBe('issuer-unavailable');
    });

    it('is unavailable when it answers with an error', async () => {
      const verifier = verifierFor(idp);
      idp.mode = 'fail';

      expect(await outcome(verifier, await idp.token())).toBe('issuer-unavailable');
    });

    it('does not matter while the cached keys are fresh', async () => {
      const verifier = verifierFor(idp, { timeoutMs: 300 });
      expect(await outcome(verifier, await idp.token())).toBe('accepted');

      idp.mode = 'hang';

      expect(await outcome(verifier, await idp.token())).toBe('accepted');
    });
  });
});
