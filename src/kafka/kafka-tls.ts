import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import type { Env } from '../env';
import type { KafkaTlsSettings } from '../config/kafka-tls-settings';
import { readSettingFile, settingError } from './setting-file';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The hub's TLS settings for Kafka from the validated environment, every file read and checked
 * once at start-up: none for `KAFKA_SSL=false`; else the CA (each certificate a CA's, valid now),
 * and the client certificate (valid now) with the private key that matches it.
 *
 * @throws EnvError naming the variable whose file is unreadable, not PEM, expired or mismatched
 */
export function kafkaTlsOptions(env: Env, now: Date = new Date()): KafkaTlsSettings | undefined {
  if (!env.KAFKA_SSL) return undefined;
  const caFile = env.KAFKA_SSL_CA_FILE;
  const settings: KafkaTlsSettings = {
    caSource: caFile === '' ? "Node's trusted CAs" : `KAFKA_SSL_CA_FILE (${caFile})`,
  };
  if (caFile !== '') settings.ca = readCa(caFile, now);
  if (env.KAFKA_SSL_CERT_FILE !== '') {
    settings.clientCertificate = readClientCertificate(env, now);
  }
  return settings;
}

function certificates(variable: string, file: string, text: string): X509Certificate[] {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw settingError(variable, file, 'holds no PEM certificate');
  return blocks.map((block) => {
    try {
      return new X509Certificate(block);
    } catch (error) {
      throw settingError(
        variable,
        file,
        `a certificate in it does not parse (${(error as Error).message})`,
      );
    }
  });
}

/** Why `cert` cannot be used at `now`, if it cannot. */
function validityProblem(cert: X509Certificate, now: Date): string | undefined {
  if (Date.parse(cert.validTo) < now.getTime()) {
    return `the certificate of ${subjectOf(cert)} expired on ${isoDate(cert.validTo)}`;
  }
  if (Date.parse(cert.validFrom) > now.getTime()) {
    return `the certificate of ${subjectOf(cert)} is valid only from ${isoDate(cert.validFrom)}`;
  }
  return undefined;
}

function readCa(file: string, now: Date): string {
  const text = readSettingFile('KAFKA_SSL_CA_FILE', file);
  for (const cert of certificates('KAFKA_SSL_CA_FILE', file, text)) {
    if (!cert.ca) {
      throw settingError(
        'KAFKA_SSL_CA_FILE',
        file,
        `${subjectOf(cert)} is not a CA certificate (give the CA that signed the broker's, not the broker's own)`,
      );
    }
    const problem = validityProblem(cert, now);
    if (problem !== undefined) throw settingError('KAFKA_SSL_CA_FILE', file, problem);
  }
  return text;
}

function readClientCertificate(
  env: Env,
  now: Date,
): NonNullable<KafkaTlsSettings['clientCertificate']> {
  const certFile = env.KAFKA_SSL_CERT_FILE;
  const keyFile = env.KAFKA_SSL_KEY_FILE;
  const cert = readSettingFile('KAFKA_SSL_CERT_FILE', certFile);
  const [leaf] = certificates('KAFKA_SSL_CERT_FILE', certFile, cert);
  if (leaf === undefined)
    throw settingError('KAFKA_SSL_CERT_FILE', certFile, 'holds no certificate');
  const problem = validityProblem(leaf, now);
  if (problem !== undefined) throw settingError('KAFKA_SSL_CERT_FILE', certFile, problem);

  const key = readSettingFile('KAFKA_SSL_KEY_FILE', keyFile);
  const passphraseFile = env.KAFKA_SSL_KEY_PASSPHRASE_FILE;
  const passphrase =
    passphraseFile === ''
      ? undefined
      : readSettingFile('KAFKA_SSL_KEY_PASSPHRASE_FILE', passphraseFile).replace(/[\r\n]+$/, '');
  // PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`) or traditional (`Proc-Type: 4,ENCRYPTED`).
  if (passphrase === undefined && /ENCRYPTED/.test(key)) {
    throw settingError(
      'KAFKA_SSL_KEY_FILE',
      keyFile,
      'the key is encrypted; name a file holding its passphrase in KAFKA_SSL_KEY_PASSPHRASE_FILE',
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(passphrase === undefined ? key : { key, passphrase });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    if (passphrase !== undefined) {
      throw settingError(
        'KAFKA_SSL_KEY_PASSPHRASE_FILE',
        passphraseFile,
        `does not open KAFKA_SSL_KEY_FILE (${keyFile}), or that is no PEM private key (${reason})`,
      );
    }
    throw settingError('KAFKA_SSL_KEY_FILE', keyFile, `holds no PEM private key (${reason})`);
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw settingError(
      'KAFKA_SSL_KEY_FILE',
      keyFile,
      `is not the key of KAFKA_SSL_CERT_FILE (${certFile}, ${subjectOf(leaf)})`,
    );
  }
  return { cert, key, ...(passphrase !== undefined && { passphrase }) };
}

/** The subject as Kafka and Java show it (RFC 2253 order: the most specific name first). */
function subjectOf(cert: X509Certificate): string {
  return cert.subject.split('\n').reverse().join(', ');
}

function isoDate(text: string): string {
  return new Date(text).toISOString();
}

/** Node's verification error codes for a broker certificate the trusted CAs did not sign. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
]);

/**
 * A plain explanation of a Kafka connection that failed in its TLS handshake, naming the setting
 * to look at; undefined for any other failure. `error` is the client library's error, whose chain
 * (`cause`) carries Node's error code.
 */
export function explainTlsFailure(error: unknown, tls: KafkaTlsSettings): string | undefined {
  const code = tlsErrorCode(error);
  if (code === undefined) return undefined;
  const detail = `${code}: ${shortMessage(error)}`;
  if (UNTRUSTED.has(code)) {
    return `Kafka TLS: the broker's certificate is not signed by ${tls.caSource} (${detail})`;
  }
  switch (code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `Kafka TLS: the broker's certificate does not name the host in KAFKA_BROKERS (${detail})`;
    case 'CERT_HAS_EXPIRED':
      return `Kafka TLS: the broker's certificate has expired (${detail})`;
    case 'CERT_NOT_YET_VALID':
      return `Kafka TLS: the broker's certificate is not valid yet (${detail})`;
    default:
      break;
  }
  if (/_ALERT_/.test(code)) {
    return tls.clientCertificate === undefined
      ? `Kafka TLS: the broker wants a client certificate (KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE) (${detail})`
      : `Kafka TLS: the broker refused the hub's client certificate, KAFKA_SSL_CERT_FILE: not signed by a CA it trusts, or expired (${detail})`;
  }
  return `Kafka TLS: the handshake failed (${detail})`;
}

/**
 * Node's code of a failed TLS handshake somewhere in `error`'s chain (`cause`, or kafkajs's
 * `originalError`); undefined when the failure was not one (a closed port, a timeout).
 */
export function tlsErrorCode(error: unknown): string | undefined {
  type Link = { code?: unknown; cause?: unknown; originalError?: unknown } | undefined;
  for (let e = error as Link, depth = 0; e && depth < 8; depth += 1) {
    if (typeof e.code === 'string' && (UNTRUSTED.has(e.code) || /CERT|SSL|TLS/.test(e.code))) {
      return e.code;
    }
    e = (e.cause ?? e.originalError) as Link;
  }
  return undefined;
}

/** The error's message without kafkajs's prefix, or the alert of an OpenSSL error trace. */
function shortMessage(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(
    /^Connection error: /,
    '',
  );
  const alert = /(?:sslv3|tlsv1[0-9]*) (alert [a-z ]+)/.exec(text);
  return alert?.[1] ?? text.split('\n')[0] ?? text;
}
