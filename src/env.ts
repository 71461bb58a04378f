import { plainToInstance, Transform } from 'class-transformer';
import {
  Equals,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Matches,
  Max,
  Min,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  validateSync,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';

/** Signature algorithms an external issuer may use: asymmetric only, never `none` or HMAC. */
export const OIDC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** Comma-separated claim paths such as `roles,realm_access.roles`. */
const CLAIM_PATHS = /^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*(,[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*)*$/;

@ValidatorConstraint({ name: 'needsOidcIssuer' })
class NeedsOidcIssuer implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    return (args.object as Env).AUTH_OIDC_ISSUER !== '';
  }

  defaultMessage(): string {
    return 'needs AUTH_OIDC_ISSUER (and AUTH_OIDC_JWKS_URL): the console signs in at that issuer';
  }
}

/**
 * An issuer or JWKS URL: https, or plain http only to this machine (a local IdP, tests). No
 * credentials or fragment in it.
 */
@ValidatorConstraint({ name: 'isIssuerUrl' })
class IssuerUrl implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || !URL.canParse(value)) return false;
    const url = new URL(value);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    return (
      (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) &&
      url.username === '' &&
      url.password === '' &&
      url.hash === ''
    );
  }

  defaultMessage(): string {
    return 'must be an https:// URL (http:// only for 127.0.0.1 or localhost)';
  }
}

/** The external issuer must not share the development issuer's name: tokens pick by `iss`. */
@ValidatorConstraint({ name: 'isOtherIssuer' })
class OtherThanDevIssuer implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const env = args.object as Env;
    return !env.AUTH_DEV_ISSUER_ENABLED || value !== env.AUTH_ISSUER;
  }

  defaultMessage(): string {
    return 'must differ from AUTH_ISSUER while the development issuer is enabled';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** SASL mechanisms the hub can log in to Kafka with; `none` is a plaintext connection. */
export const KAFKA_SASL_MECHANISMS = ['none', 'scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** Variables whose values are never repeated in an error message. */
const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'KAFKA_SASL_PASSWORD',
  'AUTH_OIDC_CLIENT_SECRET',
]);

const ORIGIN = String.raw`https?://[A-Za-z0-9.-]+(?::\d{1,5})?`;
const CORS_ORIGINS = new RegExp(`^(?:${ORIGIN}(?:,${ORIGIN})*)?$`);

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/** A rule over several variables: `problem` says what is wrong with one of them, if anything. */
abstract class CrossFieldConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return this.problem(value, args) === undefined;
  }

  defaultMessage(args: ValidationArguments): string {
    return this.problem(args.value, args) ?? '';
  }

  protected abstract problem(value: unknown, args: ValidationArguments): string | undefined;
}

/**
 * The SASL credentials go together: with a mechanism, a user name and exactly one of the password
 * and the password file; without one, none of them (a set password would be silently unused).
 */
@ValidatorConstraint({ name: 'kafkaSasl' })
class KafkaSaslConstraint extends CrossFieldConstraint {
  protected problem(value: unknown, args: ValidationArguments): string | undefined {
    const env = args.object as Env;
    const set = typeof value === 'string' && value !== '';
    // A mechanism we do not know is its own error; the rest cannot be judged against it.
    if (!(KAFKA_SASL_MECHANISMS as readonly string[]).includes(env.KAFKA_SASL_MECHANISM)) {
      return undefined;
    }
    if (env.KAFKA_SASL_MECHANISM === 'none') {
      return set ? 'is set but KAFKA_SASL_MECHANISM is none' : undefined;
    }
    switch (args.property) {
      case 'KAFKA_SASL_USERNAME':
        return set
          ? undefined
          : `is required with KAFKA_SASL_MECHANISM=${env.KAFKA_SASL_MECHANISM}`;
      case 'KAFKA_SASL_PASSWORD':
        if (set && env.KAFKA_SASL_PASSWORD_FILE !== '') {
          return 'and KAFKA_SASL_PASSWORD_FILE are both set; give one';
        }
        return set || env.KAFKA_SASL_PASSWORD_FILE !== ''
          ? undefined
          : `or KAFKA_SASL_PASSWORD_FILE is required with KAFKA_SASL_MECHANISM=${env.KAFKA_SASL_MECHANISM}`;
      default:
        return undefined;
    }
  }
}

/**
 * The TLS files go with `KAFKA_SSL=true` (a file named without it would be silently unused), and
 * the client certificate and its key go together, the key's passphrase only with a key.
 */
@ValidatorConstraint({ name: 'kafkaSsl' })
class KafkaSslConstraint extends CrossFieldConstraint {
  protected problem(value: unknown, args: ValidationArguments): string | undefined {
    const env = args.object as Env;
    const set = typeof value === 'string' && value !== '';
    if (!set) {
      if (args.property === 'KAFKA_SSL_CERT_FILE' && env.KAFKA_SSL_KEY_FILE !== '') {
        return 'is required with KAFKA_SSL_KEY_FILE (a client certificate and its key go together)';
      }
      if (args.property === 'KAFKA_SSL_KEY_FILE' && env.KAFKA_SSL_CERT_FILE !== '') {
        return 'is required with KAFKA_SSL_CERT_FILE (a client certificate and its key go together)';
      }
      return undefined;
    }
    if (!env.KAFKA_SSL) return 'is set but KAFKA_SSL is not true';
    if (args.property === 'KAFKA_SSL_KEY_PASSPHRASE_FILE' && env.KAFKA_SSL_KEY_FILE === '') {
      return 'is set without KAFKA_SSL_KEY_FILE';
    }
    return undefined;
  }
}

/**
 * `acks=all` keeps a write only as far as `min.insync.replicas` asks: no more than there are
 * replicas (no write could succeed), and at least 2 once there are 3 replicas, or an acknowledged
 * write may live on the leader alone and die with it.
 */
@ValidatorConstraint({ name: 'minInsyncReplicas' })
class MinInsyncReplicasConstraint extends CrossFieldConstraint {
  protected problem(value: unknown, args: ValidationArguments): string | undefined {
    const replicas = (args.object as Env).KAFKA_REPLICATION_FACTOR;
    if (typeof value !== 'number' || typeof replicas !== 'number') return undefined;
    if (value > replicas) return `is ${value}, exceeds KAFKA_REPLICATION_FACTOR=${replicas}`;
    if (replicas >= 3 && value < 2) {
      return `is ${value}, must be at least 2 with KAFKA_REPLICATION_FACTOR=${replicas}`;
    }
    return undefined;
  }
}

/**
 * The hub's settings, read once from the process environment at start-up.
 *
 * Produced by {@link loadEnv}; every field is validated, so code holding an `Env` can rely on it.
 * This file is the only place that reads `process.env` for the application.
 */
export class Env {
  /** HTTP port. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  /** Interface to bind; 0.0.0.0 in containers. */
  @IsString()
  @IsNotEmpty()
  HOST = '127.0.0.1';

  /**
   * PostgreSQL connection string of the application. Its role (`referral_hub_app`, created by
   * the migrations) may only INSERT and SELECT the audit tables.
   */
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://referral_hub_app@127.0.0.1:5432/referral_hub';

  /** Connection string of the schema owner, used only to migrate (and create the database). */
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  MIGRATION_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/referral_hub';

  /** Connections in the application's pool (8 to 10 suits a 2-core machine). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  DATABASE_POOL_SIZE = 10;

  /** Comma-separated `host:port` list of Kafka bootstrap brokers. */
  @Matches(/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/, {
    message: 'must be a comma-separated list of host:port',
  })
  KAFKA_BROKERS = '127.0.0.1:9092';

  /**
   * How the hub logs in to Kafka: `none` (plaintext, the local default) or a SASL mechanism, with
   * `KAFKA_SASL_USERNAME` and the password in `KAFKA_SASL_PASSWORD` or, better, a file named by
   * `KAFKA_SASL_PASSWORD_FILE`.
   */
  @IsIn(KAFKA_SASL_MECHANISMS)
  KAFKA_SASL_MECHANISM: KafkaSaslMechanism = 'none';

  /** The hub's Kafka user (its principal is `User:<name>`, see config/parties.json). */
  @Validate(KafkaSaslConstraint)
  KAFKA_SASL_USERNAME = '';

  /** The hub's Kafka password; never logged. Prefer `KAFKA_SASL_PASSWORD_FILE`. */
  @Validate(KafkaSaslConstraint)
  KAFKA_SASL_PASSWORD = '';

  /** A file holding the hub's Kafka password (trailing white space ignored). */
  @Validate(KafkaSaslConstraint)
  KAFKA_SASL_PASSWORD_FILE = '';

  /**
   * Connect to Kafka over TLS (`SASL_SSL` with a SASL mechanism, `SSL` without). The broker's
   * certificate must be signed by `KAFKA_SSL_CA_FILE` (or, without it, a CA Node trusts) and name
   * the host of `KAFKA_BROKERS`; that check is never off.
   */
  @Transform(toBool)
  @IsBoolean()
  KAFKA_SSL = false;

  /** PEM file of the CA certificate(s) the broker's certificate must chain to. */
  @Validate(KafkaSslConstraint)
  KAFKA_SSL_CA_FILE = '';

  /** PEM file of the hub's client certificate (mutual TLS); its key in `KAFKA_SSL_KEY_FILE`. */
  @Validate(KafkaSslConstraint)
  KAFKA_SSL_CERT_FILE = '';

  /** PEM file of the client certificate's private key. */
  @Validate(KafkaSslConstraint)
  KAFKA_SSL_KEY_FILE = '';

  /** A file holding the passphrase of an encrypted `KAFKA_SSL_KEY_FILE`. */
  @Validate(KafkaSslConstraint)
  KAFKA_SSL_KEY_PASSPHRASE_FILE = '';

  /** Kafka client id of the hub. */
  @IsString()
  @IsNotEmpty()
  KAFKA_CLIENT_ID = 'referral-hub';

  /** Partitions of each hub topic created at start-up. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  KAFKA_TOPIC_PARTITIONS = 6;

  /** Replication factor of each hub topic (1 on a single local broker). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10)
  KAFKA_REPLICATION_FACTOR = 1;

  /**
   * `min.insync.replicas` of each hub topic: replicas a write needs before `acks=all` succeeds.
   * At most the replication factor; at least 2 from a replication factor of 3 (see
   * {@link MinInsyncReplicasConstraint}).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10)
  @Validate(MinInsyncReplicasConstraint)
  KAFKA_MIN_INSYNC_REPLICAS = 1;

  /** Folder holding parties.json and checkpoints.json. */
  @IsString()
  @IsNotEmpty()
  CONFIG_DIR = 'config';

  /** Expected `iss` of officers' tokens. */
  @IsString()
  @IsNotEmpty()
  AUTH_ISSUER = 'urn:mrh:dev-issuer';

  /** Expected `aud` of officers' tokens. */
  @IsString()
  @IsNotEmpty()
  AUTH_AUDIENCE = 'referral-hub';

  /** Public JWK (file) of the token issuer; the development issuer's by default. */
  @IsString()
  @IsNotEmpty()
  AUTH_PUBLIC_KEY_FILE = '.dev/keys/dev-issuer.public.jwk';

  /** Allowed clock skew when checking `exp` and `nbf`, in seconds (every issuer). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300)
  AUTH_CLOCK_TOLERANCE_SECONDS = 30;

  /**
   * Trust the development issuer (`AUTH_ISSUER`, key `AUTH_PUBLIC_KEY_FILE`, `npm run token`).
   * Set `false` in production, where officers' tokens come from `AUTH_OIDC_ISSUER`.
   */
  @Transform(toBool)
  @IsBoolean()
  @ValidateIf((env: Env) => env.AUTH_OIDC_ISSUER === '')
  @Equals(true, {
    message: 'must be true unless AUTH_OIDC_ISSUER is set: no issuer would be trusted',
  })
  AUTH_DEV_ISSUER_ENABLED = true;

  /**
   * External OpenID Connect issuer (`iss` of its tokens), e.g. a Keycloak realm
   * `https://sso.example.la/realms/mekong`; empty: none.
   */
  @ValidateIf((env: Env) => env.AUTH_OIDC_ISSUER !== '')
  @Validate(IssuerUrl)
  @Validate(OtherThanDevIssuer)
  AUTH_OIDC_ISSUER = '';

  /** Expected `aud` of the external issuer's tokens. */
  @IsString()
  @IsNotEmpty()
  AUTH_OIDC_AUDIENCE = 'referral-hub';

  /** Where the external issuer publishes its keys (Keycloak: `<issuer>/protocol/openid-connect/certs`). */
  @ValidateIf((env: Env) => env.AUTH_OIDC_ISSUER !== '')
  @Validate(IssuerUrl)
  AUTH_OIDC_JWKS_URL = '';

  /** Comma-separated signature algorithms accepted from the external issuer (asymmetric only). */
  @Matches(new RegExp(`^(${OIDC_ALGORITHMS.join('|')})(,(${OIDC_ALGORITHMS.join('|')}))*$`), {
    message: `must be a comma-separated list of ${OIDC_ALGORITHMS.join(', ')}`,
  })
  AUTH_OIDC_ALGORITHMS = 'RS256,ES256,EdDSA';

  /** Claim (dotted path) naming the officer; `preferred_username` is an option on Keycloak. */
  @Matches(CLAIM_PATHS, { message: 'must be a claim name or dotted path' })
  AUTH_OIDC_SUB_CLAIM = 'sub';

  /** Claim (dotted path) holding the officer's party code. */
  @Matches(CLAIM_PATHS, { message: 'must be a claim name or dotted path' })
  AUTH_OIDC_PARTY_CLAIM = 'party';

  /** Claims (dotted paths, comma-separated) holding the roles; the first one present is used. */
  @Matches(CLAIM_PATHS, { message: 'must be comma-separated claim names or dotted paths' })
  AUTH_OIDC_ROLES_CLAIM = 'roles,realm_access.roles';

  /** How long one fetch of the JWKS may take, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  AUTH_OIDC_JWKS_TIMEOUT_MS = 5000;

  /**
   * After a fetch, how long a token with an unknown `kid` is refused without fetching again, in
   * milliseconds: stops forged `kid`s from making the hub hammer the issuer.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  AUTH_OIDC_JWKS_COOLDOWN_MS = 30_000;

  /** How long fetched keys are used before they are fetched again, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  AUTH_OIDC_JWKS_CACHE_MAX_AGE_MS = 600_000;

  /**
   * The console's client id at the external issuer; set, officers sign in to the console with the
   * authorization code flow and PKCE. Empty: no console sign-in through the issuer.
   */
  @ValidateIf((env: Env) => env.AUTH_OIDC_CLIENT_ID !== '')
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'must be printable ASCII without spaces' })
  @Validate(NeedsOidcIssuer)
  AUTH_OIDC_CLIENT_ID = '';

  /** The console client's secret (confidential client); empty: a public client (PKCE only). */
  @IsString()
  AUTH_OIDC_CLIENT_SECRET = '';

  /** Scopes the console asks the issuer for. */
  @Matches(/^openid( [\x21\x23-\x5b\x5d-\x7e]+)*$/, {
    message: 'must be space-separated scopes starting with openid',
  })
  AUTH_OIDC_SCOPES = 'openid profile';

  /**
   * The console's address as officers' browsers reach it (scheme, host, port), e.g.
   * `https://hub.example.la`: the OpenID Connect redirect goes to `<it>/auth/callback`, and
   * state-changing requests must come from this origin. Empty: `http://localhost:<PORT>`.
   */
  @ValidateIf((env: Env) => env.CONSOLE_PUBLIC_URL !== '')
  @Validate(IssuerUrl)
  CONSOLE_PUBLIC_URL = '';

  /** A console session ends after this many minutes without a request. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  CONSOLE_SESSION_IDLE_MINUTES = 30;

  /** A console session ends this many hours after sign-in, whatever happens. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 7)
  CONSOLE_SESSION_MAX_HOURS = 12;

  /** Folder of the built console (`npm run build:console`), served under `/console/`. */
  @IsString()
  @IsNotEmpty()
  CONSOLE_DIR = 'dist/console';

  /** Create the hub's Kafka topics at start-up (admin client). */
  @Transform(toBool)
  @IsBoolean()
  KAFKA_CREATE_TOPICS = true;

  /** Run the outbox relay in this instance (one instance at a time leads; others stand by). */
  @Transform(toBool)
  @IsBoolean()
  OUTBOX_RELAY_ENABLED = true;

  /** Most outbox rows published in one Kafka request. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  OUTBOX_BATCH_SIZE = 500;

  /** Consume partner events in this instance. */
  @Transform(toBool)
  @IsBoolean()
  INBOUND_CONSUMER_ENABLED = true;

  /** Kafka consumer group of the hub's inbound consumers. */
  @IsString()
  @IsNotEmpty()
  KAFKA_CONSUMER_GROUP = 'referral-hub';

  /** The hub's Ed25519 private JWK: signs every event the hub emits and the audit checkpoints. */
  @IsString()
  @IsNotEmpty()
  HUB_SIGNING_KEY_FILE = '.dev/keys/hub.private.jwk';

  /** Origin line of the audit log's checkpoints (C2SP tlog-checkpoint); also the key name. */
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'must be printable ASCII without spaces' })
  AUDIT_LOG_ORIGIN = 'mekong-referral-hub/audit';

  /** How often the audit log's head is signed and published when it has grown, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  AUDIT_CHECKPOINT_INTERVAL_SECONDS = 60;

  /** Run the audit sequencer in this instance (one instance at a time leads). */
  @Transform(toBool)
  @IsBoolean()
  AUDIT_SEQUENCER_ENABLED = true;

  /**
   * How many partner countries' witnesses must have cosigned a checkpoint before the hub's
   * verification (`GET /v1/audit/verify`, `npm run audit:verify`, the console) trusts it; `0`
   * trusts the hub's signature alone (a hub with no witnesses, e.g. a test).
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100)
  AUDIT_WITNESS_QUORUM = 2;

  /**
   * Master key(s) that wrap the per-referral data keys: a JWK (`kty` oct, 256-bit) or a JWK Set
   * whose first key wraps new data keys. The development key is generated at set-up.
   */
  @IsString()
  @IsNotEmpty()
  DATA_MASTER_KEY_FILE = '.dev/keys/data-master.jwk';

  /**
   * Days after a referral reaches a terminal state until its personal data is erased
   * automatically (crypto-shredded); 0 keeps it until a supervisor erases it.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(36500)
  PERSONAL_DATA_RETENTION_DAYS = 1825;

  /** How often this instance looks for referrals past their retention period, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  RETENTION_SCAN_INTERVAL_SECONDS = 3600;

  /**
   * Browser origins allowed to call the API cross-origin (CORS), comma-separated, e.g.
   * `https://console.example.gov.la`. Empty (the default): no cross-origin access at all.
   */
  @Matches(CORS_ORIGINS, {
    message: 'must be a comma-separated list of origins like https://console.example.org',
  })
  CORS_ALLOWED_ORIGINS = '';

  /** Refuse requests beyond the limits below with 429 (per hub instance). */
  @Transform(toBool)
  @IsBoolean()
  RATE_LIMIT_ENABLED = true;

  /** Requests one officer (token `sub` + `party`) may make per window; bursts up to this. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_PER_OFFICER = 600;

  /** Requests without a valid token one client address may make per window. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_PER_ADDRESS = 120;

  /** The window of both limits, in seconds (the buckets refill evenly over it). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  /** Least severe level logged (pino's levels); `silent` logs nothing. */
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';
}

/**
 * One line per variable for the README's Configuration table (`npm run docs:config`), in the
 * table's order; defaults come from {@link Env} itself. Keyed by the class's properties so that a
 * variable added without a line here, or a line left behind by a removed one, fails to compile.
 * The lines are Markdown, read in order: "below" and "its" refer to the rows around them.
 */
export const ENV_DOCS: Readonly<Record<keyof Env, string>> = {
  PORT: 'HTTP port',
  HOST: 'interface to bind (`0.0.0.0` in containers)',
  DATABASE_URL: 'PostgreSQL of the application',
  MIGRATION_DATABASE_URL:
    'PostgreSQL of the schema owner, used only by the scripts that create and migrate databases (`migrate`, `infra:up`, `bench`)',
  DATABASE_POOL_SIZE: 'connections in the pool',
  KAFKA_BROKERS: 'comma-separated bootstrap brokers',
  KAFKA_SASL_MECHANISM: '`none`, `scram-sha-512`, `scram-sha-256`, `plain`',
  KAFKA_SASL_USERNAME: "the hub's Kafka user (with a mechanism)",
  KAFKA_SASL_PASSWORD_FILE: 'file holding its password, read at start-up',
  KAFKA_SASL_PASSWORD: 'or the password itself (never echoed); not both',
  KAFKA_SSL:
    "connect over TLS (`SASL_SSL` with a mechanism, else `SSL`); the broker's certificate and name are always checked",
  KAFKA_SSL_CA_FILE:
    "PEM of the CA(s) that signed the broker's certificate; empty: Node's trusted CAs",
  KAFKA_SSL_CERT_FILE: "PEM of the hub's client certificate (mutual TLS), checked at start-up",
  KAFKA_SSL_KEY_FILE: 'PEM of its private key, which must match it',
  KAFKA_SSL_KEY_PASSPHRASE_FILE: 'file holding the passphrase of an encrypted key',
  KAFKA_CLIENT_ID: 'Kafka client id',
  KAFKA_CONSUMER_GROUP:
    "consumer group in which the hub's instances share the partner topics (`referral-hub.from.CC`)",
  KAFKA_TOPIC_PARTITIONS: 'partitions of each topic the hub creates',
  KAFKA_REPLICATION_FACTOR:
    'replication of each topic the hub creates; a topic with fewer replicas stops it at start-up',
  KAFKA_MIN_INSYNC_REPLICAS:
    'their `min.insync.replicas`: ≤ replication, ≥ 2 from 3 replicas; a topic with fewer stops the hub',
  KAFKA_CREATE_TOPICS: 'create the topics at start-up (admin client)',
  OUTBOX_RELAY_ENABLED:
    'run the outbox relay in this instance (one instance at a time leads, the others stand by)',
  OUTBOX_BATCH_SIZE: 'most outbox events the relay publishes in one Kafka request',
  INBOUND_CONSUMER_ENABLED: 'consume partner events (`referral-hub.from.CC`) in this instance',
  CONFIG_DIR: 'folder of `parties.json` and `checkpoints.json`',
  AUTH_DEV_ISSUER_ENABLED:
    'trust the development issuer below; `false` in production (needs `AUTH_OIDC_ISSUER`)',
  AUTH_ISSUER: "expected `iss` of the development issuer's tokens",
  AUTH_AUDIENCE: "expected `aud` of the development issuer's tokens",
  AUTH_PUBLIC_KEY_FILE: "the development issuer's public JWK",
  AUTH_CLOCK_TOLERANCE_SECONDS: 'allowed clock skew (every issuer)',
  AUTH_OIDC_ISSUER:
    "external OpenID Connect issuer, exactly its tokens' `iss` (https; http only on 127.0.0.1/localhost)",
  AUTH_OIDC_JWKS_URL:
    'its JSON Web Key Set, required with the issuer (Keycloak: `<issuer>/protocol/openid-connect/certs`)',
  AUTH_OIDC_AUDIENCE: 'expected `aud` of its tokens',
  AUTH_OIDC_ALGORITHMS: 'accepted signature algorithms (asymmetric only: RS, PS, ES, EdDSA)',
  AUTH_OIDC_SUB_CLAIM: 'claim (dotted path) holding the officer',
  AUTH_OIDC_PARTY_CLAIM: "claim (dotted path) holding the officer's party",
  AUTH_OIDC_ROLES_CLAIM: 'claims (dotted paths) holding the roles; the first present is used',
  AUTH_OIDC_JWKS_TIMEOUT_MS: 'one JWKS fetch may take this long',
  AUTH_OIDC_JWKS_COOLDOWN_MS:
    'after a fetch, an unknown `kid` is refused without fetching again for this long',
  AUTH_OIDC_JWKS_CACHE_MAX_AGE_MS: 'keys are fetched again on first use after this age',
  AUTH_OIDC_CLIENT_ID:
    "the console's client id at the issuer: officers sign in with the code flow and PKCE; empty: off",
  AUTH_OIDC_CLIENT_SECRET:
    'its secret for a confidential client (never echoed); empty: public client',
  AUTH_OIDC_SCOPES: 'scopes the console asks for',
  CONSOLE_PUBLIC_URL:
    "the console's origin as browsers reach it (redirect `<it>/auth/callback`); empty: `http://localhost:<PORT>`",
  CONSOLE_SESSION_IDLE_MINUTES: 'a console session ends after this long without a request',
  CONSOLE_SESSION_MAX_HOURS: 'and this long after sign-in, whatever happens',
  CONSOLE_DIR: 'the built console (`npm run build:console`), served under `/console/`',
  HUB_SIGNING_KEY_FILE:
    "the hub's Ed25519 private JWK: signs every event it emits and the audit checkpoints",
  AUDIT_LOG_ORIGIN:
    "origin line of the audit log's checkpoints (C2SP tlog-checkpoint), also their signing key's name",
  AUDIT_CHECKPOINT_INTERVAL_SECONDS:
    "how often the audit log's head, when it has grown, is signed and sent to the partners",
  AUDIT_SEQUENCER_ENABLED:
    'run the audit sequencer in this instance (one instance at a time leads, the others stand by)',
  AUDIT_WITNESS_QUORUM:
    "partner witnesses whose cosignature a checkpoint needs to be trusted; `0`: the hub's signature alone",
  DATA_MASTER_KEY_FILE: 'master key (JWK) or key set (JWKS, first wraps) of personal data at rest',
  PERSONAL_DATA_RETENTION_DAYS: 'days after closing until personal data is erased; `0` never',
  RETENTION_SCAN_INTERVAL_SECONDS: 'how often an instance looks for referrals past retention',
  LOG_LEVEL: '`fatal` … `trace`, `silent`',
  CORS_ALLOWED_ORIGINS:
    'comma-separated browser origins, e.g. `https://a.gov.la`; none: CORS closed',
  RATE_LIMIT_ENABLED: 'refuse requests over the limits below with 429',
  RATE_LIMIT_PER_OFFICER: 'requests per window per officer (`sub` + `party`)',
  RATE_LIMIT_PER_ADDRESS: 'requests per window per client address without a token',
  RATE_LIMIT_WINDOW_SECONDS: 'the window of both limits',
};

/** A setting is missing or wrong; the message names the variable. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/**
 * Validates the environment and returns typed settings. Empty strings count as unset so that
 * `FOO=` in a compose file falls back to the default instead of failing obscurely later.
 *
 * @throws EnvError naming the first offending variable(s), one per line.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const known = Object.keys(new Env());
  const plain: Record<string, string> = {};
  for (const key of known) {
    const value = source[key];
    if (value !== undefined && value !== '') plain[key] = value;
  }
  const env = plainToInstance(Env, plain, { exposeDefaultValues: true });
  const errors = validateSync(env, { forbidUnknownValues: true, stopAtFirstError: true });
  if (errors.length > 0) {
    const lines = errors.map((error) => {
      const given = plain[error.property] ?? '';
      const shown = SECRET_VARIABLES.has(error.property) && given !== '' ? '***' : given;
      const reasons = Object.values(error.constraints ?? {}).join('; ');
      return `invalid environment variable ${error.property}=${JSON.stringify(shown)}: ${reasons}`;
    });
    throw new EnvError(lines.join('\n'));
  }
  return env;
}
