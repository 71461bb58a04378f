import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevTls, type DevTls } from '../../scripts/lib/dev-tls';
import { EnvError, loadEnv } from '../env';
import { explainTlsFailure, kafkaTlsOptions } from './kafka-tls';

describe(kafkaTlsOptions.name, () => {
  const root = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
  const pem = (name: string): string => join(root, '.dev', 'tls', name);
  let pki: DevTls;
  let hub: { certFile: string; keyFile: string };

  beforeAll(async () => {
    ({ tls: pki } = await ensureDevTls(root, ['partner-TH', 'referral-hub']));
    hub = pki.clients.get('referral-hub') ?? { certFile: '', keyFile: '' };
  });

  /** The settings of `vars` over TLS, or the one-line start-up error. */
  function load(vars: Record<string, string>): ReturnType<typeof kafkaTlsOptions> | string {
    try {
      return kafkaTlsOptions(loadEnv({ KAFKA_SSL: 'true', ...vars }));
    } catch (error) {
      if (!(error instanceof EnvError)) throw error;
      expect(error.message).not.toContain('\n');
      return error.message;
    }
  }

  function file(name: string, text: string): string {
    const path = join(root, name);
    writeFileSync(path, text);
    return path;
  }

  it('gives no TLS without KAFKA_SSL=true', () => {
    expect(kafkaTlsOptions(loadEnv({}))).toBeUndefined();
  });

  it('reads the CA, the client certificate and its key', () => {
    const settings = load({
      KAFKA_SSL_CA_FILE: pki.caFile,
      KAFKA_SSL_CERT_FILE: hub.certFile,
      KAFKA_SSL_KEY_FILE: hub.keyFile,
    });

    expect(settings).toEqual({
      ca: readFileSync(pki.caFile, 'utf8'),
      caSource: `KAFKA_SSL_CA_FILE (${pki.caFile})`,
      clientCertificate: {
        cert: readFileSync(hub.certFile, 'utf8'),
        key: readFileSync(hub.keyFile, 'utf8'),
      },
    });
  });

  it('trusts Node’s CAs without a CA file', () => {
    expect(load({})).toEqual({ caSource: "Node's trusted CAs" });
  });

  it('refuses settings that go with TLS when it is off, or a certificate without its key', () => {
    expect(() => loadEnv({ KAFKA_SSL_CA_FILE: pki.caFile })).toThrow(
      `invalid environment variable KAFKA_SSL_CA_FILE="${pki.caFile}": is set but KAFKA_SSL is not true`,
    );
    expect(() => loadEnv({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: hub.certFile })).toThrow(
      'invalid environment variable KAFKA_SSL_KEY_FILE="": is required with KAFKA_SSL_CERT_FILE',
    );
    expect(() => loadEnv({ KAFKA_SSL: 'yes' })).toThrow('KAFKA_SSL="yes"');
  });

  it.each([
    [
      'an unreadable CA file',
      () => ({ KAFKA_SSL_CA_FILE: join(root, 'missing.pem') }),
      `KAFKA_SSL_CA_FILE="${join(root, 'missing.pem')}": cannot read it (ENOENT)`,
    ],
    [
      'a CA file without a certificate',
      () => ({ KAFKA_SSL_CA_FILE: file('not-pem.pem', 'hello') }),
      'KAFKA_SSL_CA_FILE="' + join(root, 'not-pem.pem') + '": holds no PEM certificate',
    ],
    [
      "the broker's own certificate as the CA",
      () => ({ KAFKA_SSL_CA_FILE: pem('broker.pem') }),
      'CN=localhost, O=Mekong Referral Hub development is not a CA certificate',
    ],
    [
      'an expired client certificate',
      () => ({
        KAFKA_SSL_CERT_FILE: pki.expiredClient.certFile,
        KAFKA_SSL_KEY_FILE: pki.expiredClient.keyFile,
      }),
      `KAFKA_SSL_CERT_FILE="${pem('expired-partner-TH.pem')}": the certificate of CN=partner-TH, O=Mekong Referral Hub development expired on`,
    ],
    [
      'the key of another certificate',
      () => ({ KAFKA_SSL_CERT_FILE: hub.certFile, KAFKA_SSL_KEY_FILE: pki.expiredClient.keyFile }),
      `KAFKA_SSL_KEY_FILE="${pem('expired-partner-TH.key')}": is not the key of KAFKA_SSL_CERT_FILE`,
    ],
    [
      'a key file that holds a certificate',
      () => ({ KAFKA_SSL_CERT_FILE: hub.certFile, KAFKA_SSL_KEY_FILE: hub.certFile }),
      `KAFKA_SSL_KEY_FILE="${pem('referral-hub.pem')}": holds no PEM private key`,
    ],
  ])('refuses %s with one line naming the variable', (_what, vars, message) => {
    const result = load(vars());

    expect(typeof result).toBe('string');
    expect(result).toContain(message);
  });

  describe('an encrypted key', () => {
    let encrypted: string;

    beforeAll(() => {
      encrypted = file(
        'hub.encrypted.key',
        createPrivateKey(readFileSync(hub.keyFile)).export({
          type: 'pkcs8',
          format: 'pem',
          cipher: 'aes-256-cbc',
          passphrase: 'sesame',
        }) as string,
      );
    });

    it('is opened with the passphrase file', () => {
      const settings = load({
        KAFKA_SSL_CERT_FILE: hub.certFile,
        KAFKA_SSL_KEY_FILE: encrypted,
        KAFKA_SSL_KEY_PASSPHRASE_FILE: file('passphrase', 'sesame\n'),
      });

      expect(typeof settings === 'object' && settings.clientCertificate?.passphrase).toBe('sesame');
    });

    it('asks for the passphrase file without one, and names it when it is wrong', () => {
      const base = { KAFKA_SSL_CERT_FILE: hub.certFile, KAFKA_SSL_KEY_FILE: encrypted };

      expect(load(base)).toContain('the key is encrypted; name a file holding its passphrase');
      expect(load({ ...base, KAFKA_SSL_KEY_PASSPHRASE_FILE: file('wrong', 'open') })).toContain(
        `KAFKA_SSL_KEY_PASSPHRASE_FILE="${join(root, 'wrong')}": does not open KAFKA_SSL_KEY_FILE`,
      );
    });
  });
});

describe(explainTlsFailure.name, () => {
  const tls = { caSource: 'KAFKA_SSL_CA_FILE (/ca.pem)' };
  /** kafkajs's shape: a retries error whose cause is the connection error with Node's code. */
  function kafkajsError(code: string, message: string): Error {
    const connection = Object.assign(new Error(`Connection error: ${message}`), { code });
    return Object.assign(new Error(connection.message), { cause: connection });
  }

  it('says the CA did not sign the broker’s certificate', () => {
    expect(
      explainTlsFailure(
        kafkajsError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'),
        tls,
      ),
    ).toBe(
      "Kafka TLS: the broker's certificate is not signed by KAFKA_SSL_CA_FILE (/ca.pem) " +
        '(SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain)',
    );
  });

  it('says the broker refused the client certificate, with the alert alone', () => {
    const alert = kafkajsError(
      'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
      '80BC0FBA8C7F0000:error:0A000416:SSL routines:ssl3_read_bytes:sslv3 alert certificate unknown:../deps/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 46\n',
    );
    const withCert = { ...tls, clientCertificate: { cert: '', key: '' } };

    expect(explainTlsFailure(alert, withCert)).toBe(
      "Kafka TLS: the broker refused the hub's client certificate, KAFKA_SSL_CERT_FILE: not " +
        'signed by a CA it trusts, or expired (ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: alert ' +
        'certificate unknown)',
    );
    expect(explainTlsFailure(alert, tls)).toContain('the broker wants a client certificate');
  });

  it('leaves failures that are not TLS to the caller', () => {
    expect(explainTlsFailure(kafkajsError('ECONNREFUSED', 'refused'), tls)).toBeUndefined();
  });
});
