import { parseCli } from './cli';

describe('parseCli', () => {
  it('needs only the country and gives a whole flow by default', () => {
    expect(parseCli(['--country', 'th'], {})).toEqual({
      kind: 'run',
      config: {
        country: 'TH',
        brokers: ['127.0.0.1:9092'],
        groupId: 'partner-TH-simulator',
        policy: {
          decision: 'accept',
          rejectReason: 'INSUFFICIENT_INFORMATION',
          handover: true,
          complete: true,
          confirmDelivery: false,
        },
        delayMs: 500,
        submit: false,
        to: 'LA-BOKEO-POLICE',
        from: 'TH-POLICE',
        sign: true,
        hubKeyFile: '.dev/keys/hub.public.jwk',
        hubUrl: 'http://127.0.0.1:3000',
        witness: {
          keyFile: '.dev/keys/witness-TH.private.jwk',
          keyFileGiven: false,
          name: 'mekong-referral-hub/witness/TH',
          stateFile: '.dev/witness/TH.json',
          origin: 'mekong-referral-hub/audit',
        },
      },
    });
  });

  describe('witness of the audit log', () => {
    it('reads the witness and hub API flags', () => {
      const result = parseCli(
        [
          '--country',
          'KH',
          '--hub-url',
          'https://hub.example.la',
          '--hub-token-file',
          'kh.token',
          '--witness-key-file',
          'w.jwk',
          '--witness-name',
          'witness.example.kh/w1',
          '--witness-state',
          'state/kh.json',
          '--log-origin',
          'hub.example.la/audit',
        ],
        { PARTNER_HUB_URL: 'http://ignored:1' },
      );

      expect(result).toMatchObject({
        kind: 'run',
        config: {
          hubUrl: 'https://hub.example.la',
          hubTokenFile: 'kh.token',
          witness: {
            keyFile: 'w.jwk',
            keyFileGiven: true,
            name: 'witness.example.kh/w1',
            stateFile: 'state/kh.json',
            origin: 'hub.example.la/audit',
          },
        },
      });
    });

    it('takes the hub URL from PARTNER_HUB_URL when no flag gives it', () => {
      const result = parseCli(['--country', 'VN'], { PARTNER_HUB_URL: 'http://hub:3000' });

      expect(result).toMatchObject({ kind: 'run', config: { hubUrl: 'http://hub:3000' } });
    });

    it('has no witness with --no-witness', () => {
      const result = parseCli(['--country', 'CN', '--no-witness'], {});

      expect(result.kind === 'run' && result.config).not.toHaveProperty('witness');
      expect(result.kind === 'run' && result.config.hubTokenFile).toBeUndefined();
    });
  });

  it('reads every flag, and KAFKA_BROKERS when --brokers is absent', () => {
    const result = parseCli(
      [
        '--country=VN',
        '--group',
        'g1',
        '--decision',
        'reject',
        '--reason-code',
        'NOT_OUR_NATIONAL',
        '--no-handover',
        '--no-complete',
        '--delay-ms',
        '0',
        '--confirm-delivery',
        '--submit',
        '--to',
        'LA-PDPCHT',
        '--key-file',
        'k.jwk',
        '--hub-key',
        'keys/hub.jwk',
      ],
      { KAFKA_BROKERS: 'a:1, b:2' },
    );

    expect(result).toMatchObject({
      kind: 'run',
      config: {
        country: 'VN',
        brokers: ['a:1', 'b:2'],
        groupId: 'g1',
        policy: {
          decision: 'reject',
          rejectReason: 'NOT_OUR_NATIONAL',
          handover: false,
          complete: false,
          confirmDelivery: true,
        },
        delayMs: 0,
        submit: true,
        to: 'LA-PDPCHT',
        from: 'VN-MPS',
        keyFile: 'k.jwk',
        hubKeyFile: 'keys/hub.jwk',
      },
    });
  });

  describe('SASL login', () => {
    it('logs in as the country with its development password when only a mechanism is given', () => {
      expect(parseCli(['--country', 'TH', '--sasl-mechanism', 'scram-sha-512'], {})).toMatchObject({
        kind: 'run',
        config: {
          login: {
            mechanism: 'scram-sha-512',
            username: 'partner-TH',
            passwordFile: '.dev/kafka/partner-TH.password',
          },
        },
      });
    });

    it('takes the PARTNER_KAFKA_SASL_* variables, not the hub’s KAFKA_SASL_*', () => {
      const result = parseCli(['--country', 'VN'], {
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'referral-hub',
        PARTNER_KAFKA_SASL_MECHANISM: 'scram-sha-256',
        PARTNER_KAFKA_SASL_USERNAME: 'vn-system',
        PARTNER_KAFKA_SASL_PASSWORD: 's3cret',
      });

      expect(result).toMatchObject({
        kind: 'run',
        config: {
          login: { mechanism: 'scram-sha-256', username: 'vn-system', password: 's3cret' },
        },
      });
    });

    it('prefers the flags to the variables', () => {
      const result = parseCli(
        [
          '--country',
          'KH',
          '--sasl-mechanism',
          'plain',
          '--sasl-username',
          'kh',
          '--sasl-password-file',
          'kh.pw',
        ],
        { PARTNER_KAFKA_SASL_USERNAME: 'other', PARTNER_KAFKA_SASL_PASSWORD: 'x' },
      );

      expect(result).toMatchObject({
        kind: 'run',
        config: { login: { mechanism: 'plain', username: 'kh', passwordFile: 'kh.pw' } },
      });
    });

    it('connects in plaintext when no mechanism is given', () => {
      const result = parseCli(['--country', 'CN'], { KAFKA_SASL_MECHANISM: 'scram-sha-512' });

      expect(result.kind === 'run' && result.config.login).toBeUndefined();
    });
  });

  describe('TLS', () => {
    it('is off without --ssl or a file', () => {
      const result = parseCli(['--country', 'TH'], {});

      expect(result.kind === 'run' && result.config.tls).toBeUndefined();
    });

    it('takes the CA and the client certificate from the flags, or from PARTNER_KAFKA_SSL_*', () => {
      const flags = parseCli(
        [
          '--country',
          'TH',
          '--ssl-ca-file',
          'ca.pem',
          '--ssl-cert-file',
          'c.pem',
          '--ssl-key-file',
          'c.key',
        ],
        {},
      );
      const vars = parseCli(['--country', 'TH'], {
        PARTNER_KAFKA_SSL: 'true',
        PARTNER_KAFKA_SSL_CA_FILE: 'ca.pem',
        PARTNER_KAFKA_SSL_CERT_FILE: 'c.pem',
        PARTNER_KAFKA_SSL_KEY_FILE: 'c.key',
      });

      for (const result of [flags, vars]) {
        expect(result.kind === 'run' && result.config.tls).toEqual({
          caFile: 'ca.pem',
          certFile: 'c.pem',
          keyFile: 'c.key',
        });
      }
    });
  });

  it.each([
    [[], '--country is required'],
    [['--country', 'TH', '--ssl-cert-file', 'c.pem'], '--ssl-cert-file and --ssl-key-file go'],
    [['--country', 'TH', '--no-ssl', '--ssl-ca-file', 'ca.pem'], 'given with --no-ssl'],
    [['--country', 'TH', '--sasl-mechanism', 'gssapi'], '--sasl-mechanism must be one of'],
    [['--country', 'TH', '--sasl-username', 'partner-TH'], 'no --sasl-mechanism'],
    [['--country', 'LA'], 'not a partner country'],
    [['--country', 'TH', '--decision', 'maybe'], '--decision must be one of'],
    [['--country', 'TH', '--reason-code', 'BORED'], '--reason-code must be one of'],
    [['--country', 'TH', '--delay-ms', '-1'], '--delay-ms'],
    [['--country', 'TH', '--to', 'VN-MPS'], 'not a Lao party code'],
    [['--country', 'TH', '--from', 'VN-MPS'], '--from must be one of TH-POLICE, TH-MSDHS'],
    [['--country', 'TH', '--colour'], "Unknown option '--colour'"],
    [['--country', 'TH', '--hub-url', 'ftp://hub'], 'not an http(s) URL'],
    [['--country', 'TH', '--hub-url', 'hub:3000'], 'not an http(s) URL'],
    [['--country', 'TH', '--witness-name', 'my witness'], '--witness-name my witness has a space'],
    [['--country', 'TH', '--log-origin', 'a+b'], '--log-origin a+b has a space'],
  ])('refuses %j', (argv, message) => {
    expect(parseCli(argv, {})).toEqual({
      kind: 'error',
      message: expect.stringContaining(message),
    });
  });

  it('asks for help', () => {
    expect(parseCli(['--help'], {})).toEqual({ kind: 'help' });
  });
});
