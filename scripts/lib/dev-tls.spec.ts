import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevTls } from './dev-tls';

const DAY_MS = 86_400_000;
const clients = ['partner-TH', 'referral-hub'];

function cert(file: string): X509Certificate {
  return new X509Certificate(readFileSync(file));
}

describe(ensureDevTls.name, () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dev-tls-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('issues a CA, the broker, each client and the two certificates that must be refused', async () => {
    const { tls, created } = await ensureDevTls(root, clients);

    expect(created).toEqual([
      'ca',
      'broker',
      'partner-TH',
      'referral-hub',
      'expired-partner-TH',
      'other-ca',
      'other-ca-partner-TH',
    ]);
    const ca = cert(tls.caFile);
    expect(ca.ca).toBe(true);
    const broker = cert(join(root, '.dev', 'tls', 'broker.pem'));
    expect(broker.checkIssued(ca) && broker.verify(ca.publicKey)).toBe(true);
    expect(broker.subjectAltName).toBe(
      'IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost',
    );
    expect(broker.checkHost('localhost')).toBe('localhost');
    const hub = cert(tls.clients.get('referral-hub')?.certFile ?? '');
    expect(hub.subject).toBe('O=Mekong Referral Hub development\nCN=referral-hub');
    expect(hub.ca).toBe(false);
    expect(hub.verify(ca.publicKey)).toBe(true);
    const expired = cert(tls.expiredClient.certFile);
    expect(Date.parse(expired.validTo)).toBeLessThan(Date.now());
    expect(expired.subject).toContain('CN=partner-TH');
    const stranger = cert(tls.otherCaClient.certFile);
    expect(stranger.subject).toContain('CN=partner-TH');
    expect(stranger.verify(ca.publicKey)).toBe(false);
    expect(stranger.verify(cert(tls.otherCaFile).publicKey)).toBe(true);
    expect(statSync(tls.clients.get('partner-TH')?.keyFile ?? '').mode & 0o777).toBe(0o600);
    const keystore = readFileSync(tls.brokerKeystoreFile, 'utf8');
    expect(keystore.match(/-----BEGIN [A-Z ]+-----/g)).toEqual([
      '-----BEGIN PRIVATE KEY-----',
      '-----BEGIN CERTIFICATE-----',
      '-----BEGIN CERTIFICATE-----',
    ]);
  });

  it('issues nothing when everything is present and valid', async () => {
    await ensureDevTls(root, clients);

    expect((await ensureDevTls(root, clients)).created).toEqual([]);
  });

  it('issues every certificate of a CA again when that CA is replaced', async () => {
    await ensureDevTls(root, clients);
    unlinkSync(join(root, '.dev', 'tls', 'ca.key'));

    const { created } = await ensureDevTls(root, clients);

    expect(created).toEqual(['ca', 'broker', 'partner-TH', 'referral-hub', 'expired-partner-TH']);
  });

  it('renews the certificates that expire within 30 days, keeping the CA', async () => {
    await ensureDevTls(root, clients);

    const later = new Date(Date.now() + 340 * DAY_MS);
    const { created } = await ensureDevTls(root, clients, later);

    expect(created).toEqual(['broker', 'partner-TH', 'referral-hub', 'other-ca-partner-TH']);
  });
});
