import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { REJECTION_REASON_CODES, countryOfParty, isPartyCode } from '@hub/contracts';
import { isValidKeyName } from '@hub/transparency-log';
import {
  PARTNER_COUNTRIES,
  isPartnerCountry,
  witnessKeyName,
  type PartnerCountryCode,
} from './fixtures';
import { DECISIONS, type FlowPolicy } from './referral-flow';

/** SASL mechanisms the simulator can log in with (kafkajs names). */
export const SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** How the simulator logs in to a secured broker; the password is read by `main.ts`. */
export interface SimulatorLogin {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  /** From `PARTNER_KAFKA_SASL_PASSWORD` (never a flag: command lines are visible to all). */
  readonly password?: string;
  /** Else read from this file. */
  readonly passwordFile?: string;
}

/** TLS to the broker (`--ssl*`); the files are read by `main.ts`. */
export interface SimulatorTls {
  /** PEM of the CA that signed the broker's certificate; else Node's trusted CAs. */
  readonly caFile?: string;
  /** Our client certificate and key (mutual TLS, the broker's SSL listener). */
  readonly certFile?: string;
  readonly keyFile?: string;
}

/** The witness of the hub's audit log (`--witness-*`); see `witness.ts`. */
export interface WitnessConfig {
  /** The witness's private Ed25519 JWK. */
  readonly keyFile: string;
  /** Whether `keyFile` was given (`--witness-key-file`): a missing one is then an error. */
  readonly keyFileGiven: boolean;
  /** The key name of its cosignatures. */
  readonly name: string;
  /** Its state: the checkpoint it cosigned last, and the evidence of refusals. */
  readonly stateFile: string;
  /** The origin line of the hub's audit log, also the name of the hub's checkpoint key. */
  readonly origin: string;
}

/** Everything the command line decides. */
export interface SimulatorConfig {
  readonly country: PartnerCountryCode;
  readonly brokers: readonly string[];
  readonly groupId: string;
  readonly policy: FlowPolicy;
  readonly delayMs: number;
  /** Submit one referral of our own at start. */
  readonly submit: boolean;
  /** The Lao party a `--submit` referral goes to. */
  readonly to: string;
  /** Our party that submits it. */
  readonly from: string;
  /** Sign our events (with `keyFile`, or the development key of the country when it exists). */
  readonly sign: boolean;
  /** A private Ed25519 JWK given with `--key-file`; a missing one is then an error. */
  readonly keyFile?: string;
  /** The hub's public Ed25519 JWK, which every event read is verified with (`--hub-key`). */
  readonly hubKeyFile: string;
  /** SASL login; plaintext without. */
  readonly login?: SimulatorLogin;
  /** TLS; none without. */
  readonly tls?: SimulatorTls;
  /** The hub's HTTP API, where the witness fetches consistency proofs. */
  readonly hubUrl: string;
  /** A file holding the bearer token for the hub's API; else a development token is minted. */
  readonly hubTokenFile?: string;
  /** The audit log witness; absent with `--no-witness`. */
  readonly witness?: WitnessConfig;
}

/** What the command line asks for. */
export type CliResult =
  { kind: 'run'; config: SimulatorConfig } | { kind: 'help' } | { kind: 'error'; message: string };

/** The help text. */
export const USAGE = `Usage: npx tsx libs/partner-simulator/src/main.ts --country CC [options]

Plays the national referral system of partner country CC (${Object.keys(PARTNER_COUNTRIES).join(', ')})
against the Mekong Referral Hub over Kafka: reads referral-hub.to.CC, answers on
referral-hub.from.CC.

  --country CC             partner country (required)
  --brokers LIST           Kafka bootstrap servers (default: $KAFKA_BROKERS or 127.0.0.1:9092)
  --group ID               consumer group (default: partner-CC-simulator; on a secured
                           broker the country's principal may use only groups partner-CC-…)
  --decision D             on an acknowledged referral: accept | reject | request-info | none
                           (default accept; request-info accepts once the answer arrives)
  --reason-code CODE       reason of a rejection (default INSUFFICIENT_INFORMATION)
  --handover, --no-handover  schedule the hand-over after accepting (default on)
  --complete, --no-complete  complete the referral after accepting / the hand-over (default on)
  --delay-ms N             pause before each answer, in ms (default 500)
  --confirm-delivery       send a DELIVERED receipt for each business event received
  --submit                 also submit one referral of our own (a victim repatriation)
  --to PARTY               Lao party a --submit referral goes to (default LA-BOKEO-POLICE)
  --from PARTY             our party that submits it (default: the country's first party)
  --key-file PATH          private Ed25519 JWK to sign with
                           (default .dev/keys/partner-CC.private.jwk when it exists)
  --no-sign                send unsigned events
  --hub-key PATH           the hub's public Ed25519 JWK: an event read is acted on only when
                           its signature verifies with it (default .dev/keys/hub.public.jwk)
  --hub-url URL            the hub's HTTP API, for the witness's consistency proofs
                           (default: $PARTNER_HUB_URL, else http://127.0.0.1:3000)
  --hub-token-file PATH    bearer token for the hub's API (default: a development token of
                           role witness for the country's first party, minted and renewed here)
  --witness-key-file PATH  private Ed25519 JWK the witness cosigns checkpoints with (default
                           .dev/keys/witness-CC.private.jwk; no witness when that is absent)
  --witness-name NAME      key name of the cosignatures (default mekong-referral-hub/witness/CC)
  --witness-state PATH     the witness's state and evidence (default .dev/witness/CC.json)
  --log-origin ORIGIN      origin of the hub's audit log (default mekong-referral-hub/audit)
  --no-witness             do not witness the audit log: checkpoints are only logged
  --sasl-mechanism M       log in with SASL: scram-sha-512 (the local broker in scram mode),
                           scram-sha-256 or plain (default: $PARTNER_KAFKA_SASL_MECHANISM, else
                           none: plaintext)
  --sasl-username NAME     (default: $PARTNER_KAFKA_SASL_USERNAME, else partner-CC)
  --sasl-password-file F   file holding the password (default: $PARTNER_KAFKA_SASL_PASSWORD_FILE;
                           else $PARTNER_KAFKA_SASL_PASSWORD; else .dev/kafka/partner-CC.password,
                           the development password \`KAFKA_SECURITY=scram npm run infra:up\` makes)
  --ssl                    connect over TLS (with --sasl-*: SASL_SSL; else SSL), checking the
                           broker's certificate and name (default: on when $PARTNER_KAFKA_SSL is
                           true or any --ssl-* file is given)
  --ssl-ca-file F          PEM of the CA of the broker's certificate (default:
                           $PARTNER_KAFKA_SSL_CA_FILE, else .dev/tls/ca.pem when it exists,
                           else Node's trusted CAs)
  --ssl-cert-file F        our client certificate, PEM (mutual TLS; default
                           $PARTNER_KAFKA_SSL_CERT_FILE); the local broker in tls mode takes
                           .dev/tls/partner-CC.pem on its SSL listener (port + 2)
  --ssl-key-file F         its private key, PEM (default: $PARTNER_KAFKA_SSL_KEY_FILE)
  --help                   this text
`;

/**
 * Reads the command line (and `KAFKA_BROKERS`) into a {@link SimulatorConfig}, or says what is
 * wrong with it. Pure, so it can be tested without starting anything.
 */
export function parseCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliResult {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowNegative: true,
      strict: true,
      options: {
        country: { type: 'string' },
        brokers: { type: 'string' },
        group: { type: 'string' },
        decision: { type: 'string', default: 'accept' },
        'reason-code': { type: 'string', default: 'INSUFFICIENT_INFORMATION' },
        handover: { type: 'boolean', default: true },
        complete: { type: 'boolean', default: true },
        'delay-ms': { type: 'string', default: '500' },
        'confirm-delivery': { type: 'boolean', default: false },
        submit: { type: 'boolean', default: false },
        to: { type: 'string', default: 'LA-BOKEO-POLICE' },
        from: { type: 'string' },
        'key-file': { type: 'string' },
        sign: { type: 'boolean', default: true },
        'hub-key': { type: 'string', default: '.dev/keys/hub.public.jwk' },
        'sasl-mechanism': { type: 'string' },
        'sasl-username': { type: 'string' },
        'sasl-password-file': { type: 'string' },
        ssl: { type: 'boolean' },
        'ssl-ca-file': { type: 'string' },
        'ssl-cert-file': { type: 'string' },
        'ssl-key-file': { type: 'string' },
        'hub-url': { type: 'string' },
        'hub-token-file': { type: 'string' },
        witness: { type: 'boolean', default: true },
        'witness-key-file': { type: 'string' },
        'witness-name': { type: 'string' },
        'witness-state': { type: 'string' },
        'log-origin': { type: 'string', default: 'mekong-referral-hub/audit' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  if (values.help) return { kind: 'help' };

  const country = values.country?.toUpperCase();
  if (country === undefined) return { kind: 'error', message: '--country is required' };
  if (!isPartnerCountry(country)) {
    const known = Object.keys(PARTNER_COUNTRIES).join(', ');
    return { kind: 'error', message: `--country ${country} is not a partner country (${known})` };
  }
  const decision = values.decision;
  if (!isOneOf(DECISIONS, decision)) {
    return { kind: 'error', message: `--decision must be one of ${DECISIONS.join(', ')}` };
  }
  const rejectReason = values['reason-code'];
  if (!isOneOf(REJECTION_REASON_CODES, rejectReason)) {
    const codes = REJECTION_REASON_CODES.join(', ');
    return { kind: 'error', message: `--reason-code must be one of ${codes}` };
  }
  const delayText = values['delay-ms'];
  if (!/^\d+$/.test(delayText)) {
    return { kind: 'error', message: '--delay-ms must be a whole number of milliseconds' };
  }
  const brokers = (values.brokers ?? env['KAFKA_BROKERS'] ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (brokers.length === 0) return { kind: 'error', message: '--brokers is empty' };
  const to = values.to;
  if (!isPartyCode(to) || countryOfParty(to) !== 'LA') {
    return { kind: 'error', message: `--to ${to} is not a Lao party code` };
  }
  const parties: readonly string[] = PARTNER_COUNTRIES[country].parties;
  const from = values.from ?? parties[0] ?? '';
  if (!parties.includes(from)) {
    return { kind: 'error', message: `--from must be one of ${parties.join(', ')}` };
  }
  const login = loginOf(country, values, env);
  if (typeof login === 'string') return { kind: 'error', message: login };
  const tls = tlsOf(values, env);
  if (typeof tls === 'string') return { kind: 'error', message: tls };
  const keyFile = values['key-file'];
  const hubUrl = values['hub-url'] ?? nonEmpty(env['PARTNER_HUB_URL']) ?? 'http://127.0.0.1:3000';
  if (!isHttpUrl(hubUrl))
    return { kind: 'error', message: `--hub-url ${hubUrl} is not an http(s) URL` };
  const witnessName = values['witness-name'] ?? witnessKeyName(country);
  if (!isValidKeyName(witnessName)) {
    return {
      kind: 'error',
      message: `--witness-name ${witnessName} has a space or '+', or is empty`,
    };
  }
  if (!isValidKeyName(values['log-origin'])) {
    return {
      kind: 'error',
      message: `--log-origin ${values['log-origin']} has a space or '+', or is empty`,
    };
  }
  const witnessKeyFile = values['witness-key-file'];
  const hubTokenFile = values['hub-token-file'];
  return {
    kind: 'run',
    config: {
      country,
      brokers,
      groupId: values.group ?? `partner-${country}-simulator`,
      policy: {
        decision,
        rejectReason,
        handover: values.handover,
        complete: values.complete,
        confirmDelivery: values['confirm-delivery'],
      },
      delayMs: Number(delayText),
      submit: values.submit,
      to,
      from,
      sign: values.sign,
      ...(keyFile !== undefined && { keyFile }),
      hubKeyFile: values['hub-key'],
      ...(login !== undefined && { login }),
      ...(tls !== undefined && { tls }),
      hubUrl,
      ...(hubTokenFile !== undefined && { hubTokenFile }),
      ...(values.witness && {
        witness: {
          keyFile: witnessKeyFile ?? `.dev/keys/witness-${country}.private.jwk`,
          keyFileGiven: witnessKeyFile !== undefined,
          name: witnessName,
          stateFile: values['witness-state'] ?? `.dev/witness/${country}.json`,
          origin: values['log-origin'],
        },
      }),
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The SASL login the flags and `PARTNER_KAFKA_SASL_*` ask for (flags first), none when no
 * mechanism is given, or what is wrong. The variables are not the hub's `KAFKA_SASL_*`: a
 * simulator started beside the hub must not log in as the hub.
 */
function loginOf(
  country: PartnerCountryCode,
  values: {
    'sasl-mechanism'?: string | undefined;
    'sasl-username'?: string | undefined;
    'sasl-password-file'?: string | undefined;
  },
  env: Readonly<Record<string, string | undefined>>,
): SimulatorLogin | undefined | string {
  const given = givenIn(env);
  const mechanism = given(values['sasl-mechanism'], 'PARTNER_KAFKA_SASL_MECHANISM');
  const username = given(values['sasl-username'], 'PARTNER_KAFKA_SASL_USERNAME');
  const passwordFile = given(values['sasl-password-file'], 'PARTNER_KAFKA_SASL_PASSWORD_FILE');
  const password = given(undefined, 'PARTNER_KAFKA_SASL_PASSWORD');
  if (mechanism === undefined) {
    return username !== undefined || passwordFile !== undefined || password !== undefined
      ? 'a SASL user or password is given but no --sasl-mechanism'
      : undefined;
  }
  if (!isOneOf(SASL_MECHANISMS, mechanism)) {
    return `--sasl-mechanism must be one of ${SASL_MECHANISMS.join(', ')}`;
  }
  const login = { mechanism, username: username ?? `partner-${country}` };
  if (passwordFile !== undefined) return { ...login, passwordFile };
  if (password !== undefined) return { ...login, password };
  return { ...login, passwordFile: `.dev/kafka/partner-${country}.password` };
}

/**
 * The TLS the flags and `PARTNER_KAFKA_SSL*` ask for (flags first), none when neither `--ssl`
 * nor a file is given, or what is wrong. The CA defaults to the development one when it exists.
 */
function tlsOf(
  values: {
    ssl?: boolean | undefined;
    'ssl-ca-file'?: string | undefined;
    'ssl-cert-file'?: string | undefined;
    'ssl-key-file'?: string | undefined;
  },
  env: Readonly<Record<string, string | undefined>>,
): SimulatorTls | undefined | string {
  const given = givenIn(env);
  const caFile = given(values['ssl-ca-file'], 'PARTNER_KAFKA_SSL_CA_FILE');
  const certFile = given(values['ssl-cert-file'], 'PARTNER_KAFKA_SSL_CERT_FILE');
  const keyFile = given(values['ssl-key-file'], 'PARTNER_KAFKA_SSL_KEY_FILE');
  const on =
    values.ssl ??
    (env['PARTNER_KAFKA_SSL'] === 'true' ||
      [caFile, certFile, keyFile].some((file) => file !== undefined));
  if (!on) {
    return (caFile ?? certFile ?? keyFile) ? 'an --ssl-* file is given with --no-ssl' : undefined;
  }
  if ((certFile === undefined) !== (keyFile === undefined)) {
    return '--ssl-cert-file and --ssl-key-file go together';
  }
  const ca = caFile ?? (existsSync(DEV_CA_FILE) ? DEV_CA_FILE : undefined);
  return {
    ...(ca !== undefined && { caFile: ca }),
    ...(certFile !== undefined && keyFile !== undefined && { certFile, keyFile }),
  };
}

/** The development CA (`npm run keys`), relative to the repository, where the simulator runs. */
const DEV_CA_FILE = '.dev/tls/ca.pem';

/** A flag's value, else the variable `name` of `env` unless it is empty. */
function givenIn(env: Readonly<Record<string, string | undefined>>) {
  return (flag: string | undefined, name: string): string | undefined =>
    flag ?? nonEmpty(env[name]);
}

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}
