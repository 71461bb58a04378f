import { serverProperties } from './kafka-broker';

const listeners = { host: '127.0.0.1', port: 19292, controllerPort: 19293 };
const admin = { name: 'referral-hub', password: 'pw-of-the-hub', passwordFile: '/dev/null' };

function lines(text: string): string[] {
  return text.split('\n');
}

describe(serverProperties.name, () => {
  it('has plaintext listeners and no authorizer in plaintext mode', () => {
    const props = lines(serverProperties({ ...listeners, security: { mode: 'plaintext' } }, '/d'));

    expect(props).toEqual(
      expect.arrayContaining([
        'listeners=PLAINTEXT://127.0.0.1:19292,CONTROLLER://127.0.0.1:19293',
        'advertised.listeners=PLAINTEXT://127.0.0.1:19292',
        'log.dirs=/d',
      ]),
    );
    expect(props.filter((l) => /sasl|authorizer|super\.users/.test(l))).toEqual([]);
  });

  it('authenticates every listener and denies what no ACL allows in scram mode', () => {
    const security = { mode: 'scram' as const, admin, users: [admin], acls: [] };
    const props = lines(serverProperties({ ...listeners, security }, '/d'));

    expect(props).toEqual(
      expect.arrayContaining([
        'listeners=SASL_PLAINTEXT://127.0.0.1:19292,CONTROLLER://127.0.0.1:19293',
        'advertised.listeners=SASL_PLAINTEXT://127.0.0.1:19292',
        'listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
        'sasl.enabled.mechanisms=SCRAM-SHA-512',
        'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
        'allow.everyone.if.no.acl.found=false',
        'super.users=User:referral-hub',
      ]),
    );
    expect(props.some((l) => l.includes('PLAINTEXT:PLAINTEXT'))).toBe(false);
    expect(props.some((l) => l.includes('User:ANONYMOUS'))).toBe(false);
  });

  it('adds SASL_SSL, SSL with client certificates and SASL_PLAINTEXT listeners in tls mode', () => {
    const tls = {
      caFile: '/pki/ca.pem',
      brokerKeystoreFile: '/pki/broker.keystore.pem',
      clients: new Map(),
      impersonated: 'partner-TH',
      otherCaFile: '/pki/other-ca.pem',
      otherCaClient: { certFile: '', keyFile: '' },
      expiredClient: { certFile: '', keyFile: '' },
    };
    const security = { mode: 'tls' as const, admin, users: [admin], acls: [], tls };
    const props = lines(serverProperties({ ...listeners, security }, '/d'));

    expect(props).toEqual(
      expect.arrayContaining([
        'listeners=SASL_SSL://127.0.0.1:19292,SSL://127.0.0.1:19294,' +
          'SASL_PLAINTEXT://127.0.0.1:19295,CONTROLLER://127.0.0.1:19293',
        'advertised.listeners=SASL_SSL://127.0.0.1:19292,SSL://127.0.0.1:19294,' +
          'SASL_PLAINTEXT://127.0.0.1:19295',
        'listener.security.protocol.map=' +
          'SASL_SSL:SASL_SSL,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
        'ssl.keystore.type=PEM',
        'ssl.keystore.location=/pki/broker.keystore.pem',
        'ssl.truststore.type=PEM',
        'ssl.truststore.location=/pki/ca.pem',
        'listener.name.ssl.ssl.client.auth=required',
        'allow.everyone.if.no.acl.found=false',
        'super.users=User:referral-hub',
      ]),
    );
    expect(props.filter((l) => l.includes('sasl.jaas.config') && l.includes('Scram'))).toHaveLength(
      2,
    );
    expect(props.some((l) => l.includes('PLAINTEXT:PLAINTEXT'))).toBe(false);
    expect(props.some((l) => /^ssl\.client\.auth=/.test(l))).toBe(false);
  });
});
