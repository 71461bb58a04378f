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
});
