import { generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { loadPartyRegistry } from '../parties/party-registry';
import { AuthError } from './auth.error';
import { CONTRACT_CLAIMS, TokenVerifier, type TrustedIssuer } from './token-verifier';

const ISSUER = 'urn:mrh:dev-issuer';
const AUDIENCE = 'referral-hub';
const T0 = Date.UTC(2026, 0, 1) / 1000;

async function keys(): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  return generateKeyPair('EdDSA', { crv: 'Ed25519' });
}

function token(key: CryptoKey, expiresAt: number, party = 'LA-BOKEO-POLICE'): Promise<string> {
  return new SignJWT({ party, roles: ['liaison_officer'] })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject('officer-1')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(T0)
    .setExpirationTime(expiresAt)
    .sign(key);
}

describe(TokenVerifier.name, () => {
  const registry = loadPartyRegistry('config');
  let clock = T0 * 1000;
  const verifierFor = (publicKey: CryptoKey): TokenVerifier => {
    const issuer: TrustedIssuer = {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['EdDSA'],
      key: publicKey,
      claims: CONTRACT_CLAIMS,
    };
    return new TokenVerifier([issuer], 30, registry, () => clock);
  };

  beforeEach(() => {
    clock = T0 * 1000;
  });

  it('answers the same principal for a token it has verified before', async () => {
    const { privateKey, publicKey } = await keys();
    const verifier = verifierFor(publicKey);
    const jwt = await token(privateKey, T0 + 600);
    const first = await verifier.verify(jwt);
    const second = await verifier.verify(jwt);
    expect(second).toEqual(first);
    expect(second).toEqual({
      sub: 'officer-1',
      party: 'LA-BOKEO-POLICE',
      country: 'LA',
      channel: 'http',
      roles: ['liaison_officer'],
    });
  });

  it('refuses a remembered token once it has expired (beyond the clock tolerance)', async () => {
    const { privateKey, publicKey } = await keys();
    const verifier = verifierFor(publicKey);
    const jwt = await token(privateKey, T0 + 600);
    await verifier.verify(jwt);
    clock = (T0 + 600 + 29) * 1000;
    await expect(verifier.verify(jwt)).resolves.toMatchObject({ sub: 'officer-1' });
    clock = (T0 + 600 + 31) * 1000;
    await expect(verifier.verify(jwt)).rejects.toThrow(AuthError);
  });

  it('never remembers a token that failed, nor lets a caller change a remembered principal', async () => {
    const { privateKey, publicKey } = await keys();
    const stranger = await keys();
    const verifier = verifierFor(publicKey);
    const forged = await token(stranger.privateKey, T0 + 600);
    await expect(verifier.verify(forged)).rejects.toThrow(AuthError);
    await expect(verifier.verify(forged)).rejects.toThrow(AuthError);
    const jwt = await token(privateKey, T0 + 600);
    const first = await verifier.verify(jwt);
    (first as { party: string }).party = 'TH-POLICE';
    await expect(verifier.verify(jwt)).resolves.toMatchObject({ party: 'LA-BOKEO-POLICE' });
  });
});
