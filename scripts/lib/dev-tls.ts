// The development PKI of the local broker's TLS mode: a CA, the broker's certificate and one
// client certificate per Kafka principal, generated into the git-ignored .dev/tls. Never used in
// production, where certificates come from the operator's own CA.
import 'reflect-metadata';
import { X509Certificate, createPrivateKey, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

/** Git-ignored folder of the development CA, keys and certificates. */
export const DEV_TLS_DIR = '.dev/tls';

/** Names the broker's certificate is valid for: where the local broker listens. */
export const BROKER_SANS = { ips: ['127.0.0.1', '::1'], dns: ['localhost'] } as const;

/** A private key and its certificate, as two PEM files. */
export interface CertFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** Every file of the development PKI. */
export interface DevTls {
  /** The development CA's certificate: what the broker and every client trust. */
  readonly caFile: string;
  /** The broker's key and certificate chain in one PEM file (Kafka's `ssl.keystore.type=PEM`). */
  readonly brokerKeystoreFile: string;
  /** One client certificate per principal name (CN = the name of `User:<name>`). */
  readonly clients: ReadonlyMap<string, CertFiles>;
  /** The first client, whom the two certificates below claim to be. */
  readonly impersonated: string;
  /** For the negative tests: a CA nobody trusts, and a certificate of the first client it signed. */
  readonly otherCaFile: string;
  readonly otherCaClient: CertFiles;
  /** For the negative tests: a certificate of the first client, signed by the CA, but expired. */
  readonly expiredClient: CertFiles;
}

const DAY_MS = 86_400_000;
/** Renew a certificate this close to its end, so a test run never meets one expiring under it. */
const RENEW_BEFORE_MS = 30 * DAY_MS;
const ALGORITHM: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = {
  name: 'ECDSA',
  namedCurve: 'P-256',
  hash: 'SHA-256',
};

// Node's WebCrypto, which the library (written for browsers too) types as the DOM's.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

interface Issued {
  cert: X509Certificate;
  key: webcrypto.CryptoKey;
}

/** The certificate of `files`, when both files parse and the key is the certificate's. */
function readCert(files: CertFiles): X509Certificate | undefined {
  try {
    const cert = new X509Certificate(readFileSync(files.certFile));
    const key = createPrivateKey(readFileSync(files.keyFile, 'utf8'));
    return cert.checkPrivateKey(key) ? cert : undefined;
  } catch {
    return undefined;
  }
}

async function importKey(keyFile: string): Promise<webcrypto.CryptoKey> {
  const der = createPrivateKey(readFileSync(keyFile, 'utf8')).export({
    type: 'pkcs8',
    format: 'der',
  });
  return webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, true, ['sign']);
}

/** Still usable for a while, and (for a leaf) issued by `ca` as it is now. */
function healthy(cert: X509Certificate, ca: X509Certificate | undefined, now: number): boolean {
  const fresh = Date.parse(cert.validTo) - now > RENEW_BEFORE_MS;
  return fresh && (ca === undefined || (cert.checkIssued(ca) && cert.verify(ca.publicKey)));
}

/** Writes beside the target and renames, so a reader never sees half a file. */
function writeAtomically(file: string, text: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

interface Request {
  subject: string;
  ca: boolean;
  notBefore: Date;
  notAfter: Date;
  /** Issuer: undefined for a self-signed CA. */
  issuer?: { cert: X509Certificate; key: webcrypto.CryptoKey };
  usage: 'ca' | 'server' | 'client';
  sans?: typeof BROKER_SANS;
}

// The flags are bits: a CA signs certificates and revocation lists.
const CA_KEY_USAGE: x509.KeyUsageFlags =
  x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;

async function issue(files: CertFiles, request: Request): Promise<void> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(request.ca, request.ca ? 0 : undefined, true),
    new x509.KeyUsagesExtension(
      request.ca ? CA_KEY_USAGE : x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (request.usage !== 'ca') {
    extensions.push(
      new x509.ExtendedKeyUsageExtension(
        [
          request.usage === 'server'
            ? x509.ExtendedKeyUsage.serverAuth
            : x509.ExtendedKeyUsage.clientAuth,
        ],
        false,
      ),
    );
  }
  if (request.sans !== undefined) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...request.sans.ips.map((value) => ({ type: 'ip' as const, value })),
        ...request.sans.dns.map((value) => ({ type: 'dns' as const, value })),
      ]),
    );
  }
  const issuer = request.issuer;
  if (issuer !== undefined) {
    extensions.push(
      await x509.AuthorityKeyIdentifierExtension.create(new x509.X509Certificate(issuer.cert.raw)),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: webcrypto
      .getRandomValues(Buffer.alloc(16))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    subject: request.subject,
    issuer: issuer === undefined ? request.subject : issuer.cert.subject.replace(/\n/g, ', '),
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: issuer?.key ?? keys.privateKey,
    extensions,
  });
  // The key first: a certificate without its key is seen as missing and issued again.
  writeAtomically(files.keyFile, await keyPem(keys.privateKey), 0o600);
  writeAtomically(files.certFile, cert.toString('pem') + '\n', 0o644);
}

function filesOf(dir: string, name: string): CertFiles {
  return { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) };
}

/**
 * The development PKI in `<root>/.dev/tls`, issuing what is missing, broken, expiring within 30
 * days or signed by a CA that is no longer the current one (a new CA re-issues everything):
 *
 * - `ca.pem`/`ca.key`: the development CA (5 years);
 * - `broker.pem`/`broker.key` and `broker.keystore.pem`: the broker's (SANs 127.0.0.1, ::1,
 *   localhost; 1 year);
 * - `<name>.pem`/`<name>.key` for each principal name in `clients` (CN = the name; 1 year);
 * - `other-ca.pem` and `other-ca-<first>.pem`/`.key`: a CA nobody trusts and a certificate it
 *   signed for the first client, and `expired-<first>.pem`/`.key`: one the CA signed that
 *   expired yesterday, both for the tests that must see them refused.
 *
 * @returns the files and the names of the certificates it issued
 */
export async function ensureDevTls(
  root: string,
  clients: readonly string[],
  now: Date = new Date(),
): Promise<{ tls: DevTls; created: string[] }> {
  const first = clients[0];
  if (first === undefined) throw new Error('the development PKI needs at least one client');
  const dir = join(root, DEV_TLS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const created: string[] = [];
  const at = now.getTime();
  const days = (n: number): Date => new Date(at + n * DAY_MS);
  // Encoded O first, CN last, as is usual: Java (and so Kafka's principal mapping) shows the
  // names in reverse, RFC 2253 order, `CN=partner-TH,O=Mekong Referral Hub development`.
  const subject = (cn: string): string => `O=Mekong Referral Hub development, CN=${cn}`;

  const ensureCa = async (name: string): Promise<Issued> => {
    const files = filesOf(dir, name);
    const found = readCert(files);
    if (found === undefined || !healthy(found, undefined, at)) {
      await issue(files, {
        subject: `CN=Mekong Referral Hub development ${name === 'ca' ? 'CA' : 'other CA'}`,
        ca: true,
        notBefore: days(-1),
        notAfter: days(5 * 365),
        usage: 'ca',
      });
      created.push(name);
    }
    const cert = new X509Certificate(readFileSync(files.certFile));
    return { cert, key: await importKey(files.keyFile) };
  };

  const ensureLeaf = async (
    name: string,
    ca: Issued,
    request: Omit<Request, 'ca' | 'notBefore' | 'notAfter' | 'issuer'>,
    expired = false,
  ): Promise<CertFiles> => {
    const files = filesOf(dir, name);
    const found = readCert(files);
    const usable = expired
      ? found !== undefined &&
        Date.parse(found.validTo) < at &&
        found.checkIssued(ca.cert) &&
        found.verify(ca.cert.publicKey)
      : found !== undefined && healthy(found, ca.cert, at);
    // Issued with other names (an older version of this set-up) counts as missing.
    const named = found?.subject === request.subject.split(', ').join('\n');
    if (!usable || !named) {
      await issue(files, {
        ...request,
        ca: false,
        notBefore: expired ? days(-31) : days(-1),
        notAfter: expired ? days(-1) : days(365),
        issuer: ca,
      });
      created.push(name);
    }
    return files;
  };

  const ca = await ensureCa('ca');
  const broker = await ensureLeaf('broker', ca, {
    subject: subject('localhost'),
    usage: 'server',
    sans: BROKER_SANS,
  });
  const clientFiles = new Map<string, CertFiles>();
  for (const name of clients) {
    clientFiles.set(name, await ensureLeaf(name, ca, { subject: subject(name), usage: 'client' }));
  }
  const expiredClient = await ensureLeaf(
    `expired-${first}`,
    ca,
    { subject: subject(first), usage: 'client' },
    true,
  );
  const otherCa = await ensureCa('other-ca');
  const otherCaClient = await ensureLeaf(`other-ca-${first}`, otherCa, {
    subject: subject(first),
    usage: 'client',
  });

  // Kafka reads its PEM key store as one file: the key, then the chain up to the CA.
  const brokerKeystoreFile = join(dir, 'broker.keystore.pem');
  const keystore = [broker.keyFile, broker.certFile, filesOf(dir, 'ca').certFile]
    .map((file) => readFileSync(file, 'utf8').trim())
    .join('\n');
  if (
    !existsSync(brokerKeystoreFile) ||
    readFileSync(brokerKeystoreFile, 'utf8') !== `${keystore}\n`
  ) {
    writeAtomically(brokerKeystoreFile, `${keystore}\n`, 0o600);
  }
  return {
    tls: {
      caFile: filesOf(dir, 'ca').certFile,
      brokerKeystoreFile,
      clients: clientFiles,
      impersonated: first,
      otherCaFile: filesOf(dir, 'other-ca').certFile,
      otherCaClient,
      expiredClient,
    },
    created,
  };
}
