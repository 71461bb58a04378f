// Security of the local broker: its modes, the development SCRAM credentials in .dev/kafka and
// the ACLs that confine each partner country's principal to its own topics.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deadLetterTopic, fromTopic, toTopic } from '@hub/contracts';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type AclEntry,
  type Admin,
} from 'kafkajs';
import { loadPartyRegistry, type PartyRegistry } from '../../src/parties/party-registry';
import { ensureDevTls, type DevTls } from './dev-tls';
import { repoRoot } from './repo-root';

/**
 * How the local broker's client listeners are secured: `plaintext`; `scram` (SASL/SCRAM over
 * SASL_PLAINTEXT, with ACLs); `tls` (the same logins and ACLs over SASL_SSL, plus an SSL listener
 * taking client certificates and a SASL_PLAINTEXT one; see {@link tlsListenerPorts}).
 */
export type KafkaSecurityMode = 'plaintext' | 'scram' | 'tls';

export const KAFKA_SECURITY_MODES: readonly KafkaSecurityMode[] = ['plaintext', 'scram', 'tls'];

/**
 * The client listeners of a broker in `tls` mode whose first port is `port` (the one
 * `KAFKA_BROKERS` names; `port + 1` is the controller's): SASL_SSL there, SSL with client
 * certificates on `port + 2`, SASL_PLAINTEXT on `port + 3`.
 */
export function tlsListenerPorts(port: number): {
  saslSsl: number;
  ssl: number;
  saslPlaintext: number;
} {
  return { saslSsl: port, ssl: port + 2, saslPlaintext: port + 3 };
}

/** The only SASL mechanism the local broker offers in `scram` mode. */
export const SCRAM_MECHANISM = 'SCRAM-SHA-512';

/** Git-ignored folder of the development Kafka passwords, one file per principal. */
export const DEV_KAFKA_DIR = '.dev/kafka';

/** A SCRAM user of the local broker. */
export interface ScramUser {
  /** The principal's name (`referral-hub` for `User:referral-hub`). */
  readonly name: string;
  readonly password: string;
  /** Where the password is kept, for the hub's `KAFKA_SASL_PASSWORD_FILE` and the simulator. */
  readonly passwordFile: string;
}

/** Everyone who may log in to the local broker in `scram` mode. */
export interface LocalPrincipals {
  /** The hub: the broker's one super user, also used by the scripts for admin work. */
  readonly admin: ScramUser;
  /** One principal per partner country (the registry's `partnerSystems[].kafkaPrincipal`). */
  readonly partners: readonly { readonly country: string; readonly user: ScramUser }[];
}

/**
 * Reads `KAFKA_SECURITY` (scripts only): unset or empty is `plaintext`, the local default.
 *
 * @throws Error naming the variable and its allowed values
 */
export function securityModeOf(value: string | undefined): KafkaSecurityMode {
  if (value === undefined || value.trim() === '') return 'plaintext';
  const mode = value.trim().toLowerCase();
  if (!(KAFKA_SECURITY_MODES as readonly string[]).includes(mode)) {
    throw new Error(
      `KAFKA_SECURITY=${JSON.stringify(value)} is not a mode of the local broker ` +
        `(${KAFKA_SECURITY_MODES.join(' or ')})`,
    );
  }
  return mode as KafkaSecurityMode;
}

// Names and passwords end up inside StorageTool's `[name=…,password=…]` syntax and inside a JAAS
// line in double quotes, so both are kept to characters that need no quoting anywhere.
const SAFE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The user name of a `User:<name>` principal from the party registry.
 *
 * @throws Error when the principal is of another type or its name needs quoting
 */
export function principalName(principal: string): string {
  const match = /^User:(.+)$/.exec(principal);
  const name = match?.[1];
  if (name === undefined || !SAFE_NAME.test(name)) {
    throw new Error(
      `Kafka principal ${JSON.stringify(principal)} is not User:<name> with a name of ` +
        'letters, digits, ".", "_" or "-"',
    );
  }
  return name;
}

/**
 * Prefix of the consumer groups a partner principal may use: its own name and a dash, so that
 * `partner-TH` may join `partner-TH-simulator` but no group of another country.
 */
export function consumerGroupPrefix(principal: string): string {
  return `${principalName(principal)}-`;
}

/** A fresh development password: 24 random bytes, base64url (no character needs quoting). */
function newPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** The password of `name`, generated into `dir` when missing. Never overwrites one. */
function ensurePassword(dir: string, name: string): { user: ScramUser; created: boolean } {
  const passwordFile = join(dir, `${name}.password`);
  if (existsSync(passwordFile)) {
    const password = readFileSync(passwordFile, 'utf8').trim();
    if (!/^[A-Za-z0-9_-]{16,}$/.test(password)) {
      throw new Error(
        `${passwordFile} does not hold a development password; delete it to get a new one`,
      );
    }
    return { user: { name, password, passwordFile }, created: false };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const password = newPassword();
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  return { user: { name, password, passwordFile }, created: true };
}

/**
 * The development credentials of the hub and of every partner principal of the registry,
 * generating the missing passwords into `<root>/.dev/kafka/<name>.password` (mode 0600).
 */
export function ensureDevKafkaCredentials(
  root: string,
  registry: PartyRegistry,
): { principals: LocalPrincipals; created: string[] } {
  const dir = join(root, DEV_KAFKA_DIR);
  const created: string[] = [];
  const take = (principal: string): ScramUser => {
    const { user, created: isNew } = ensurePassword(dir, principalName(principal));
    if (isNew) created.push(user.name);
    return user;
  };
  const admin = take(registry.hub.kafkaPrincipal);
  const partners = registry.partnerCountries().map((country) => {
    const system = registry.partnerSystem(country);
    if (system === undefined) throw new Error(`no partner system for ${country}`);
    return { country, user: take(system.kafkaPrincipal) };
  });
  const names = [admin.name, ...partners.map((p) => p.user.name)];
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) {
    throw new Error(`Kafka principal User:${twice} is given to more than one party system`);
  }
  return { principals: { admin, partners }, created };
}

function allow(
  principal: string,
  resourceType: AclResourceTypes,
  resourceName: string,
  operation: AclOperationTypes,
  resourcePatternType: ResourcePatternTypes = ResourcePatternTypes.LITERAL,
): AclEntry {
  return {
    principal,
    host: '*',
    resourceType,
    resourceName,
    resourcePatternType,
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/**
 * What a partner country's principal may do, and nothing more (the broker denies everything
 * without an ACL): read `to.CC` and the dead letters of its own records (`from.CC.dlq`, which the
 * contract lets the partner read), write `from.CC`, and use consumer groups named after itself.
 * READ and WRITE imply DESCRIBE; an idempotent producer needs no more than WRITE (KIP-679).
 */
export function partnerAcls(country: string, principal: string): AclEntry[] {
  principalName(principal);
  return [
    allow(principal, AclResourceTypes.TOPIC, toTopic(country), AclOperationTypes.READ),
    allow(principal, AclResourceTypes.TOPIC, deadLetterTopic(country), AclOperationTypes.READ),
    allow(principal, AclResourceTypes.TOPIC, fromTopic(country), AclOperationTypes.WRITE),
    allow(
      principal,
      AclResourceTypes.GROUP,
      consumerGroupPrefix(principal),
      AclOperationTypes.READ,
      ResourcePatternTypes.PREFIXED,
    ),
  ];
}

/** Every ACL of the local broker in `scram` mode: the partners' (the hub is super user). */
export function localAcls(registry: PartyRegistry): AclEntry[] {
  return registry.partnerCountries().flatMap((country) => {
    const system = registry.partnerSystem(country);
    if (system === undefined) throw new Error(`no partner system for ${country}`);
    return partnerAcls(country, system.kafkaPrincipal);
  });
}

/** The logins and ACLs of a broker with security on (`scram` and `tls` modes). */
export interface BrokerLogins {
  /** Super user: the scripts' admin work (ACLs, probes) runs as this principal. */
  readonly admin: ScramUser;
  /** Every SCRAM user created at format time, the admin among them. */
  readonly users: readonly ScramUser[];
  /** The ACLs the broker must hold, exactly. */
  readonly acls: readonly AclEntry[];
}

/** How the local broker is secured, with what it needs to be set up that way. */
export type BrokerSecurity =
  | { readonly mode: 'plaintext' }
  | ({ readonly mode: 'scram' } & BrokerLogins)
  | ({
      readonly mode: 'tls';
      /** The development PKI (.dev/tls): the broker's key store, the CA it and clients trust. */
      readonly tls: DevTls;
    } & BrokerLogins);

/**
 * The security of the local broker in `mode`, for the registry in `<root>/config`, generating
 * the missing development credentials (and, in `tls` mode, certificates).
 */
export async function localBrokerSecurity(
  mode: KafkaSecurityMode,
  root: string,
  registry: PartyRegistry,
): Promise<{ security: BrokerSecurity; created: string[] }> {
  if (mode === 'plaintext') return { security: { mode }, created: [] };
  const { principals, created } = ensureDevKafkaCredentials(root, registry);
  const logins: BrokerLogins = {
    admin: principals.admin,
    users: [principals.admin, ...principals.partners.map((p) => p.user)],
    acls: localAcls(registry),
  };
  if (mode === 'scram') return { security: { mode, ...logins }, created };
  const pki = await ensureDevTls(root, devTlsClients(registry));
  const certificates = pki.created.map((name) => `tls/${name}`);
  return { security: { mode, tls: pki.tls, ...logins }, created: [...created, ...certificates] };
}

/**
 * The principal names that get a development client certificate: partner systems first (the
 * first is the one the negative tests impersonate), then the hub.
 */
export function devTlsClients(registry: PartyRegistry): string[] {
  const partners = registry.partnerCountries().map((country) => {
    const system = registry.partnerSystem(country);
    if (system === undefined) throw new Error(`no partner system for ${country}`);
    return principalName(system.kafkaPrincipal);
  });
  return [...partners, principalName(registry.hub.kafkaPrincipal)];
}

/**
 * The local broker's security in `mode`, generating the development credentials it needs into
 * .dev/kafka and .dev/tls and saying so.
 */
export async function localSecurity(mode: KafkaSecurityMode): Promise<BrokerSecurity> {
  const root = repoRoot();
  const { security, created } = await localBrokerSecurity(
    mode,
    root,
    loadPartyRegistry(join(root, 'config')),
  );
  if (created.length > 0) {
    console.log(`kafka: generated development credentials ${created.join(', ')} in .dev`);
  }
  return security;
}

/** kafkajs's SASL settings for `user` on the local broker. */
export function saslOf(user: Pick<ScramUser, 'name' | 'password'>): {
  mechanism: 'scram-sha-512';
  username: string;
  password: string;
} {
  return { mechanism: 'scram-sha-512', username: user.name, password: user.password };
}

function aclKey(acl: AclEntry): string {
  return [
    acl.principal,
    acl.host,
    acl.resourceType,
    acl.resourcePatternType,
    acl.resourceName,
    acl.operation,
    acl.permissionType,
  ].join('|');
}

/**
 * Makes the broker's ACLs exactly `wanted`: creates the missing ones and deletes any other (left
 * from an older registry), so that what the README promises is what the broker enforces. Runs as
 * the super user through the kafkajs admin client.
 *
 * @returns how many ACLs were created and deleted
 */
export async function syncAcls(
  admin: Admin,
  wanted: readonly AclEntry[],
): Promise<{ created: number; deleted: number }> {
  const described = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  const present: AclEntry[] = described.resources.flatMap((resource) =>
    resource.acls.map((acl) => ({
      resourceType: resource.resourceType,
      resourceName: resource.resourceName,
      resourcePatternType: resource.resourcePatternType,
      ...acl,
    })),
  );
  const wantedKeys = new Set(wanted.map(aclKey));
  const presentKeys = new Set(present.map(aclKey));
  const missing = wanted.filter((acl) => !presentKeys.has(aclKey(acl)));
  const extra = present.filter((acl) => !wantedKeys.has(aclKey(acl)));
  if (extra.length > 0) await admin.deleteAcls({ filters: extra });
  if (missing.length > 0) await admin.createAcls({ acl: missing });
  return { created: missing.length, deleted: extra.length };
}

/**
 * The hub's settings (src/env.ts) for logging in to the local broker in `security`'s mode: none
 * in plaintext mode; SCRAM in scram mode; SCRAM over TLS, trusting the development CA, in tls
 * mode (the hub connects to the SASL_SSL listener, the port `KAFKA_BROKERS` names).
 */
export function hubKafkaEnv(security: BrokerSecurity): Record<string, string> {
  if (security.mode === 'plaintext') return {};
  const login = {
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: security.admin.name,
    KAFKA_SASL_PASSWORD_FILE: security.admin.passwordFile,
  };
  if (security.mode === 'scram') return login;
  return { ...login, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: security.tls.caFile };
}

/**
 * The hub's settings (src/env.ts) for a plaintext broker: no login. Spread into the environment
 * of a hub that talks to a plaintext broker of its own, so that a KAFKA_SASL_* login inherited
 * from the caller (npm test hands the hub's scram login to what it runs) does not reach it; the
 * broker would refuse it.
 */
export const NO_KAFKA_LOGIN: Readonly<Record<string, string>> = Object.freeze({
  KAFKA_SASL_MECHANISM: 'none',
  KAFKA_SASL_USERNAME: '',
  KAFKA_SASL_PASSWORD: '',
  KAFKA_SASL_PASSWORD_FILE: '',
  KAFKA_SSL: 'false',
  KAFKA_SSL_CA_FILE: '',
  KAFKA_SSL_CERT_FILE: '',
  KAFKA_SSL_KEY_FILE: '',
  KAFKA_SSL_KEY_PASSPHRASE_FILE: '',
});
