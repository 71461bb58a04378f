import { parseCli } from './cli';

describe('parseCli', () => {
  it('needs only the country and gives a whole flow by default', () => {
    expect(parseCli(['--country', 'th'], {})).toEqual({
      kind: 'run',
      config: {
        country: 'TH',
        brokers: ['127.0.0.1:9092'],
        groupId: 'partner-simulator-TH',
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
      },
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
      },
    });
  });

  it.each([
    [[], '--country is required'],
    [['--country', 'LA'], 'not a partner country'],
    [['--country', 'TH', '--decision', 'maybe'], '--decision must be one of'],
    [['--country', 'TH', '--reason-code', 'BORED'], '--reason-code must be one of'],
    [['--country', 'TH', '--delay-ms', '-1'], '--delay-ms'],
    [['--country', 'TH', '--to', 'VN-MPS'], 'not a Lao party code'],
    [['--country', 'TH', '--from', 'VN-MPS'], '--from must be one of TH-POLICE, TH-MSDHS'],
    [['--country', 'TH', '--colour'], "Unknown option '--colour'"],
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
