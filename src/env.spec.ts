import { Env, EnvError, loadEnv } from './env';

describe(loadEnv.name, () => {
  it('gives working local defaults when nothing is set', () => {
    const env = loadEnv({});

    expect(env).toBeInstanceOf(Env);
    expect(env.PORT).toBe(3000);
    expect(env.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(env.DATABASE_URL).toBe('postgres://referral_hub_app@127.0.0.1:5432/referral_hub');
    expect(env.MIGRATION_DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/referral_hub');
  });

  it('converts numbers and booleans', () => {
    const env = loadEnv({ PORT: '8080', KAFKA_CREATE_TOPICS: 'false', DATABASE_POOL_SIZE: '8' });

    expect(env.PORT).toBe(8080);
    expect(env.KAFKA_CREATE_TOPICS).toBe(false);
    expect(env.DATABASE_POOL_SIZE).toBe(8);
  });

  it('treats an empty variable as unset', () => {
    expect(loadEnv({ PORT: '' }).PORT).toBe(3000);
  });

  it('ignores variables it does not know', () => {
    expect(() => loadEnv({ HOME: '/root', SOMETHING_ELSE: 'x' })).not.toThrow();
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', '3000abc'],
    ['KAFKA_BROKERS', 'broker-without-port'],
    ['DATABASE_URL', 'http://example.org'],
    ['KAFKA_CREATE_TOPICS', 'yes'],
    ['LOG_LEVEL', 'verbose'],
    ['CORS_ALLOWED_ORIGINS', 'null'],
    ['CORS_ALLOWED_ORIGINS', 'https://console.example.org/'],
    ['CORS_ALLOWED_ORIGINS', 'https://a.example.org, https://b.example.org'],
    ['RATE_LIMIT_PER_OFFICER', '0'],
  ])('refuses %s=%s with a line naming the variable', (name, value) => {
    expect(() => loadEnv({ [name]: value })).toThrow(EnvError);
    expect(() => loadEnv({ [name]: value })).toThrow(
      new RegExp(`^invalid environment variable ${name}="${value}": `),
    );
  });

  describe('topic durability', () => {
    it('asks for one replica and one in sync by default, as on the single local broker', () => {
      const env = loadEnv({});

      expect([env.KAFKA_REPLICATION_FACTOR, env.KAFKA_MIN_INSYNC_REPLICAS]).toEqual([1, 1]);
    });

    it('takes three replicas with two in sync', () => {
      const env = loadEnv({ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });

      expect([env.KAFKA_REPLICATION_FACTOR, env.KAFKA_MIN_INSYNC_REPLICAS]).toEqual([3, 2]);
    });

    it.each([
      [
        { KAFKA_REPLICATION_FACTOR: '3' },
        'KAFKA_MIN_INSYNC_REPLICAS="": is 1, must be at least 2 with KAFKA_REPLICATION_FACTOR=3',
      ],
      [
        { KAFKA_REPLICATION_FACTOR: '2', KAFKA_MIN_INSYNC_REPLICAS: '3' },
        'KAFKA_MIN_INSYNC_REPLICAS="3": is 3, exceeds KAFKA_REPLICATION_FACTOR=2',
      ],
    ])(
      'refuses in-sync replicas that make acks=all meaningless or impossible (%o)',
      (vars, why) => {
        expect(() => loadEnv(vars)).toThrow(why);
      },
    );
  });

  it('keeps CORS closed unless origins are listed', () => {
    expect(loadEnv({}).CORS_ALLOWED_ORIGINS).toBe('');
    expect(
      loadEnv({ CORS_ALLOWED_ORIGINS: 'https://console.example.org,http://127.0.0.1:4200' })
        .CORS_ALLOWED_ORIGINS,
    ).toBe('https://console.example.org,http://127.0.0.1:4200');
  });

  it('names every wrong variable, one per line', () => {
    let message = '';
    try {
      loadEnv({ PORT: 'x', LOG_LEVEL: 'y' });
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message.split('\n')).toEqual([
      expect.stringContaining('PORT="x"'),
      expect.stringContaining('LOG_LEVEL="y"'),
    ]);
  });

  describe('token issuers', () => {
    const oidc = {
      AUTH_OIDC_ISSUER: 'https://sso.example.la/realms/mekong',
      AUTH_OIDC_JWKS_URL: 'https://sso.example.la/realms/mekong/protocol/openid-connect/certs',
    };

    it('trusts the development issuer alone by default', () => {
      const env = loadEnv({});

      expect(env.AUTH_DEV_ISSUER_ENABLED).toBe(true);
      expect(env.AUTH_OIDC_ISSUER).toBe('');
    });

    it('takes an external issuer with its JWKS URL, algorithms and claim names', () => {
      const env = loadEnv({
        ...oidc,
        AUTH_DEV_ISSUER_ENABLED: 'false',
        AUTH_OIDC_ALGORITHMS: 'RS256,PS256',
        AUTH_OIDC_ROLES_CLAIM: 'resource_access.referral-hub.roles',
        AUTH_OIDC_JWKS_COOLDOWN_MS: '0',
      });

      expect(env.AUTH_OIDC_ISSUER).toBe(oidc.AUTH_OIDC_ISSUER);
      expect(env.AUTH_OIDC_ALGORITHMS).toBe('RS256,PS256');
      expect(env.AUTH_OIDC_JWKS_COOLDOWN_MS).toBe(0);
      expect(env.AUTH_OIDC_JWKS_TIMEOUT_MS).toBe(5000);
    });

    it('allows plain http only to this machine', () => {
      expect(() =>
        loadEnv({
          AUTH_OIDC_ISSUER: 'http://127.0.0.1:8080/realms/test',
          AUTH_OIDC_JWKS_URL: 'http://localhost:8080/realms/test/protocol/openid-connect/certs',
        }),
      ).not.toThrow();
    });

    it.each([
      ['AUTH_OIDC_ISSUER', { AUTH_OIDC_ISSUER: 'http://sso.example.la/realms/mekong' }],
      ['AUTH_OIDC_ISSUER', { ...oidc, AUTH_OIDC_ISSUER: 'https://user:pw@sso.example.la/r' }],
      ['AUTH_OIDC_JWKS_URL', { AUTH_OIDC_ISSUER: oidc.AUTH_OIDC_ISSUER }],
      ['AUTH_OIDC_ALGORITHMS', { ...oidc, AUTH_OIDC_ALGORITHMS: 'RS256,HS256' }],
      ['AUTH_OIDC_ALGORITHMS', { ...oidc, AUTH_OIDC_ALGORITHMS: 'none' }],
      ['AUTH_OIDC_ROLES_CLAIM', { ...oidc, AUTH_OIDC_ROLES_CLAIM: 'realm access.roles' }],
      ['AUTH_DEV_ISSUER_ENABLED', { AUTH_DEV_ISSUER_ENABLED: 'false' }],
      ['AUTH_OIDC_ISSUER', { ...oidc, AUTH_ISSUER: oidc.AUTH_OIDC_ISSUER }],
    ])('refuses a wrong %s', (name, values: Record<string, string>) => {
      expect(() => loadEnv(values)).toThrow(
        new RegExp(`^invalid environment variable ${name}=`, 'm'),
      );
    });
  });

  describe('Kafka SASL', () => {
    it('connects in plaintext by default', () => {
      expect(loadEnv({}).KAFKA_SASL_MECHANISM).toBe('none');
    });

    it('takes a mechanism with a user and a password file', () => {
      const env = loadEnv({
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'referral-hub',
        KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka',
      });

      expect(env).toMatchObject({
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'referral-hub',
        KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka',
        KAFKA_SASL_PASSWORD: '',
      });
    });

    it.each([
      [{ KAFKA_SASL_MECHANISM: 'gssapi' }, 'KAFKA_SASL_MECHANISM="gssapi"'],
      [
        { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_PASSWORD: 'pw' },
        'KAFKA_SASL_USERNAME="": is required with KAFKA_SASL_MECHANISM=scram-sha-512',
      ],
      [
        { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'hub' },
        'KAFKA_SASL_PASSWORD="": or KAFKA_SASL_PASSWORD_FILE is required',
      ],
      [
        { KAFKA_SASL_USERNAME: 'referral-hub' },
        'KAFKA_SASL_USERNAME="referral-hub": is set but KAFKA_SASL_MECHANISM is none',
      ],
    ])('refuses %j', (vars, message) => {
      expect(() => loadEnv(vars)).toThrow(message);
    });

    it('names only the mechanism when it does not know it', () => {
      expect(() => loadEnv({ KAFKA_SASL_MECHANISM: 'kerberos' })).toThrow(
        /^invalid environment variable KAFKA_SASL_MECHANISM="kerberos": [^\n]+$/,
      );
    });

    it('refuses a password given twice, without repeating it', () => {
      let message = '';
      try {
        loadEnv({
          KAFKA_SASL_MECHANISM: 'scram-sha-512',
          KAFKA_SASL_USERNAME: 'referral-hub',
          KAFKA_SASL_PASSWORD: 'hunter2-secret',
          KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka',
        });
      } catch (error) {
        message = (error as Error).message;
      }

      expect(message).toBe(
        'invalid environment variable KAFKA_SASL_PASSWORD="***": and KAFKA_SASL_PASSWORD_FILE are both set; give one',
      );
    });

    it('never repeats a password it refuses', () => {
      expect(() => loadEnv({ KAFKA_SASL_PASSWORD: 'hunter2-secret' })).toThrow(
        'invalid environment variable KAFKA_SASL_PASSWORD="***": is set but KAFKA_SASL_MECHANISM is none',
      );
    });
  });
});
