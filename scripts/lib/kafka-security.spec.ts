import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
} from 'kafkajs';
import { PartyRegistry, loadPartyRegistry } from '../../src/parties/party-registry';
import {
  consumerGroupPrefix,
  ensureDevKafkaCredentials,
  hubKafkaEnv,
  localAcls,
  localBrokerSecurity,
  partnerAcls,
  principalName,
  securityModeOf,
} from './kafka-security';
import { repoRoot } from './repo-root';

const registry = loadPartyRegistry(join(repoRoot(), 'config'));

describe(securityModeOf.name, () => {
  it('is plaintext unless told otherwise', () => {
    expect(securityModeOf(undefined)).toBe('plaintext');
    expect(securityModeOf('')).toBe('plaintext');
    expect(securityModeOf('SCRAM')).toBe('scram');
  });

  it('refuses a mode it does not know, naming the variable', () => {
    expect(() => securityModeOf('ssl')).toThrow('KAFKA_SECURITY="ssl" is not a mode');
  });
});

describe(principalName.name, () => {
  it('takes the name of a User principal', () => {
    expect(principalName('User:partner-TH')).toBe('partner-TH');
  });

  it.each(['partner-TH', 'Group:partner-TH', 'User:', 'User:a,b', 'User:a"b', 'User:a b'])(
    'refuses %j',
    (principal) => {
      expect(() => principalName(principal)).toThrow('is not User:<name>');
    },
  );
});

describe(partnerAcls.name, () => {
  const allow = {
    principal: 'User:partner-TH',
    host: '*',
    permissionType: AclPermissionTypes.ALLOW,
    resourcePatternType: ResourcePatternTypes.LITERAL,
  };

  it('lets a partner read its to topic and dead letters, write its from topic, use its groups', () => {
    expect(partnerAcls('TH', 'User:partner-TH')).toEqual([
      {
        ...allow,
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'referral-hub.to.TH',
        operation: AclOperationTypes.READ,
      },
      {
        ...allow,
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'referral-hub.from.TH.dlq',
        operation: AclOperationTypes.READ,
      },
      {
        ...allow,
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'referral-hub.from.TH',
        operation: AclOperationTypes.WRITE,
      },
      {
        ...allow,
        resourceType: AclResourceTypes.GROUP,
        resourceName: 'partner-TH-',
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        operation: AclOperationTypes.READ,
      },
    ]);
  });

  it('gives no country a right on another country’s topics or groups', () => {
    for (const country of registry.partnerCountries()) {
      const principal = registry.partnerSystem(country)?.kafkaPrincipal ?? '';
      const others = registry.partnerCountries().filter((c) => c !== country);
      for (const acl of localAcls(registry).filter((a) => a.principal === principal)) {
        for (const other of others) {
          expect(acl.resourceName).not.toMatch(new RegExp(`\\.${other}(\\.|$)|-${other}-`));
        }
      }
    }
    expect(localAcls(registry)).toHaveLength(4 * registry.partnerCountries().length);
  });

  it('names groups after the principal, so that one prefix cannot cover another country', () => {
    expect(consumerGroupPrefix('User:partner-TH')).toBe('partner-TH-');
  });
});

describe(ensureDevKafkaCredentials.name, () => {
  it('generates one private password file per principal, and keeps them afterwards', () => {
    const root = mkdtempSync(join(tmpdir(), 'dev-kafka-'));

    const first = ensureDevKafkaCredentials(root, registry);
    const again = ensureDevKafkaCredentials(root, registry);

    expect(first.created).toEqual([
      'referral-hub',
      'partner-CN',
      'partner-KH',
      'partner-TH',
      'partner-VN',
    ]);
    expect(again.created).toEqual([]);
    expect(again.principals).toEqual(first.principals);
    const file = join(root, '.dev', 'kafka', 'partner-TH.password');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(
      first.principals.partners.find((p) => p.country === 'TH')?.user.password,
    );
    const passwords = new Set(
      [first.principals.admin, ...first.principals.partners.map((p) => p.user)].map(
        (u) => u.password,
      ),
    );
    expect(passwords.size).toBe(5);
  });

  it('refuses a password file that holds something else', () => {
    const root = mkdtempSync(join(tmpdir(), 'dev-kafka-'));
    ensureDevKafkaCredentials(root, registry);
    writeFileSync(join(root, '.dev', 'kafka', 'partner-VN.password'), 'short\n');

    expect(() => ensureDevKafkaCredentials(root, registry)).toThrow(
      'does not hold a development password',
    );
  });

  it('refuses one principal for two systems', () => {
    const shared = new PartyRegistry(
      registry.hub,
      ['TH', 'VN'].map((country) => ({ country, name: country, kafkaPrincipal: 'User:partner' })),
      [],
      [],
    );

    expect(() =>
      ensureDevKafkaCredentials(mkdtempSync(join(tmpdir(), 'dev-kafka-')), shared),
    ).toThrow('User:partner is given to more than one party system');
  });
});

describe(localBrokerSecurity.name, () => {
  it('needs nothing in plaintext mode', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dev-kafka-'));

    const { security } = await localBrokerSecurity('plaintext', root, registry);

    expect(security).toEqual({ mode: 'plaintext' });
    expect(hubKafkaEnv(security)).toEqual({});
  });

  it('makes the hub the admin and gives the hub its password file in scram mode', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dev-kafka-'));

    const { security } = await localBrokerSecurity('scram', root, registry);

    expect(security.mode === 'scram' && security.users.map((u) => u.name)).toEqual([
      'referral-hub',
      'partner-CN',
      'partner-KH',
      'partner-TH',
      'partner-VN',
    ]);
    expect(hubKafkaEnv(security)).toEqual({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'referral-hub',
      KAFKA_SASL_PASSWORD_FILE: join(root, '.dev', 'kafka', 'referral-hub.password'),
    });
  });

  it('adds the development PKI in tls mode, the hub trusting its CA over SASL_SSL', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dev-kafka-'));

    const { security, created } = await localBrokerSecurity('tls', root, registry);

    if (security.mode !== 'tls') throw new Error('not tls');
    const tlsDir = join(root, '.dev', 'tls');
    expect([...security.tls.clients.keys()]).toEqual([
      'partner-CN',
      'partner-KH',
      'partner-TH',
      'partner-VN',
      'referral-hub',
    ]);
    expect(created).toEqual(expect.arrayContaining(['tls/ca', 'tls/broker', 'tls/referral-hub']));
    expect(hubKafkaEnv(security)).toEqual({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'referral-hub',
      KAFKA_SASL_PASSWORD_FILE: join(root, '.dev', 'kafka', 'referral-hub.password'),
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: join(tlsDir, 'ca.pem'),
    });
  });
});
