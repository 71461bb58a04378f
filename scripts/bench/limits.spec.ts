import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import {
  EVENT_TYPES,
  cloudEventHeaders,
  partySource,
  signEvent,
  type CloudEvent,
} from '@hub/contracts';
import { SEALED } from '../../src/referrals/referral.repository';
import { DataKey } from '../../src/vault/data-key';
import { SENDER, exampleReferral, receiverOf } from './fixtures';
import {
  MINIMAL_SUBMIT_HEADERS,
  MINIMAL_SUBMIT_SIZES,
  fsyncLimitFor,
  minimalSubmitScript,
  parseConsumerPerformance,
  parsePgTestFsync,
  parsePgbenchOutput,
  parseProducerPerformance,
  pgConnectionArgs,
} from './limits';

// Real outputs, captured on the 2-core development machine (PostgreSQL 15, Kafka 3.9.2).
const PGBENCH_15 = `pgbench (15.20 (Debian 15.20-0+deb12u1))
transaction type: minimal.sql
scaling factor: 1
query mode: extended
number of clients: 10
number of threads: 2
maximum number of tries: 1
duration: 5 s
number of transactions actually processed: 4256
number of failed transactions: 0 (0.000%)
latency average = 11.833 ms
initial connection time = 25.220 ms
tps = 845.125240 (without initial connection time)
`;

const PG_TEST_FSYNC_15 = `2 seconds per test
O_DIRECT supported on this platform for open_datasync and open_sync.

Compare file sync methods using one 8kB write:
(in wal_sync_method preference order, except fdatasync is Linux's default)
        open_datasync                      3251.749 ops/sec     308 usecs/op
        fdatasync                          1818.402 ops/sec     550 usecs/op
        fsync                              2274.455 ops/sec     440 usecs/op
        fsync_writethrough                              n/a
        open_sync                          1682.491 ops/sec     594 usecs/op

Compare file sync methods using two 8kB writes:
(in wal_sync_method preference order, except fdatasync is Linux's default)
        open_datasync                       643.233 ops/sec    1555 usecs/op
        fdatasync                          1296.418 ops/sec     771 usecs/op
        fsync                              2169.421 ops/sec     461 usecs/op
        fsync_writethrough                              n/a
        open_sync                          1087.973 ops/sec     919 usecs/op
`;

const PRODUCER_PERFORMANCE_39 = `50002 records sent, 9998.4 records/sec (4.77 MB/sec), 6.7 ms avg latency, 453.0 ms max latency.
60000 records sent, 9961.813050 records/sec (4.75 MB/sec), 5.66 ms avg latency, 453.00 ms max latency, 1 ms 50th, 39 ms 95th, 59 ms 99th, 85 ms 99.9th.
`;

const CONSUMER_PERFORMANCE_39 = `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
2026-12-07 12:55:12:549, 2026-12-07 12:55:13:606, 38.1470, 36.0899, 20000, 18921.4759, 575, 482, 79.1431, 41493.7759
`;

const CONSUMER_PERFORMANCE_39_TIMED_OUT = `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
WARNING: Exiting before consuming the expected number of messages: timeout (3000 ms) exceeded. You can use the --timeout option to increase the timeout.
2026-12-07 12:55:27:046, 2026-12-07 12:55:30:827, 66.7572, 17.6560, 80000, 21158.4237, 277, 3504, 19.0517, 22831.0502
`;

describe(parsePgbenchOutput.name, () => {
  it('reads the rate without connection time, the mean latency and the clients', () => {
    expect(parsePgbenchOutput(PGBENCH_15)).toEqual({
      tps: 845.12524,
      latencyMsAvg: 11.833,
      clients: 10,
    });
  });

  it('reads the "excluding connections establishing" rate of PostgreSQL 13 and older', () => {
    const old = PGBENCH_15.replace(
      'tps = 845.125240 (without initial connection time)',
      'tps = 840.1 (including connections establishing)\ntps = 845.2 (excluding connections establishing)',
    );
    expect(parsePgbenchOutput(old).tps).toBe(845.2);
  });

  it('refuses an output without a summary, quoting it', () => {
    const failed = 'pgbench: error: connection to server failed: FATAL:  role "x" does not exist';
    expect(() => parsePgbenchOutput(failed)).toThrow(/no summary:\npgbench: error: connection/);
  });
});

describe(pgConnectionArgs.name, () => {
  it('takes host, port, user and database from the URL, the password apart', () => {
    expect(pgConnectionArgs('postgres://app%40x:s%3Acret@127.0.0.1:5433/hub_perf_raw')).toEqual({
      args: ['-h', '127.0.0.1', '-p', '5433', '-U', 'app@x', 'hub_perf_raw'],
      password: 's:cret',
    });
  });

  it('leaves out what the URL does not say, and takes a socket directory from ?host=', () => {
    expect(pgConnectionArgs('postgres:///hub?host=/var/run/postgresql')).toEqual({
      args: ['-h', '/var/run/postgresql', 'hub'],
    });
  });
});

describe(minimalSubmitScript.name, () => {
  it('is one transaction of the referral row and its outbox row', () => {
    const statements = minimalSubmitScript()
      .split('\n')
      .filter((line) => /^(BEGIN|INSERT|COMMIT)/.test(line));
    expect(statements).toEqual([
      'BEGIN;',
      expect.stringMatching(/^INSERT INTO referrals /),
      expect.stringMatching(/^INSERT INTO outbox /),
      'COMMIT;',
    ]);
  });

  it('seals with random bytes (ciphertext-like) of the sizes asked for', () => {
    const script = minimalSubmitScript({ sealedContentBytes: 10, sealedEventBytes: 20 });
    const sealed = [...script.matchAll(/decode\('([0-9a-f]*)', 'hex'\)/g)].map((m) => m[1]);
    expect(sealed.map((hex) => (hex ?? '').length / 2)).toEqual([10, 20]);
    expect(new Set(sealed).size).toBe(2);
  });

  it('uses no pgbench variable but the referral id it sets', () => {
    // pgbench takes every `:name` outside a `::` cast as a variable, inside literals too.
    const variables = [...minimalSubmitScript().matchAll(/(?<!:):([A-Za-z_]\w*)/g)].map(
      (m) => m[1],
    );
    expect(new Set(variables)).toEqual(new Set(['referral_id']));
  });

  it('writes the row and the values rawPgTransactions writes for the bench referral', () => {
    const content = exampleReferral();
    const { party, topic } = receiverOf(content);
    const script = minimalSubmitScript();
    for (const value of [
      content['type'],
      content['priority'],
      content['senderReference'],
      content['handlingCode'],
      SENDER,
      party,
      topic,
    ]) {
      expect(script).toContain(`'${String(value)}'`);
    }
  });
});

describe('MINIMAL_SUBMIT_SIZES', () => {
  it('are the sizes of the example referral and its event as the hub seals them', () => {
    const content = exampleReferral();
    const { party } = receiverOf(content);
    const key = new DataKey(randomUUID(), randomBytes(32));
    const referralId = randomUUID();
    const event: CloudEvent = {
      specversion: '1.0',
      id: randomUUID(),
      source: partySource(SENDER),
      type: EVENT_TYPES.referralSubmitted,
      subject: referralId,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      recipient: party,
      referralseq: 1,
      data: {
        ...content,
        referralId,
        from: SENDER,
        to: party,
        submittedAt: new Date().toISOString(),
      },
    };
    const signed = signEvent(event, generateKeyPairSync('ed25519').privateKey, 'hub/audit');
    const sealedEvent = key.sealText('outbox', JSON.stringify(signed));
    const headers = cloudEventHeaders(signed);

    expect(key.sealJson(SEALED.content, content).length).toBe(
      MINIMAL_SUBMIT_SIZES.sealedContentBytes,
    );
    // The kid's length is the development key's; a few bytes either way do not matter.
    expect(Math.abs(sealedEvent.length - MINIMAL_SUBMIT_SIZES.sealedEventBytes)).toBeLessThan(32);
    expect({ ...headers, ce_id: MINIMAL_SUBMIT_HEADERS.ce_id }).toEqual(MINIMAL_SUBMIT_HEADERS);
  });
});

describe(parsePgTestFsync.name, () => {
  it('reads the one-8kB-write comparison only, leaving out the methods not available', () => {
    expect(parsePgTestFsync(PG_TEST_FSYNC_15)).toEqual([
      { method: 'open_datasync', opsPerSecond: 3251.749 },
      { method: 'fdatasync', opsPerSecond: 1818.402 },
      { method: 'fsync', opsPerSecond: 2274.455 },
      { method: 'open_sync', opsPerSecond: 1682.491 },
    ]);
  });

  it('leaves out a method the file system cannot do with direct I/O ("n/a*")', () => {
    const noDirectIo = PG_TEST_FSYNC_15.replace(
      /open_datasync {22}3251\.749 ops\/sec {5}308 usecs\/op/,
      'open_datasync                                 n/a*',
    );
    expect(parsePgTestFsync(noDirectIo).map((r) => r.method)).toEqual([
      'fdatasync',
      'fsync',
      'open_sync',
    ]);
  });

  it('refuses an output without the comparison', () => {
    expect(() => parsePgTestFsync('could not open output file: Permission denied')).toThrow(
      /no one-8kB-write comparison/,
    );
  });
});

describe(fsyncLimitFor.name, () => {
  const results = parsePgTestFsync(PG_TEST_FSYNC_15);

  it("picks the rate of PostgreSQL's wal_sync_method", () => {
    expect(fsyncLimitFor(results, 'fdatasync')).toBe(1818.402);
  });

  it('has none for a method that was not measured', () => {
    expect(fsyncLimitFor(results, 'fsync_writethrough')).toBeUndefined();
  });
});

describe(parseProducerPerformance.name, () => {
  it('reads the final summary, not the lines printed while running', () => {
    expect(parseProducerPerformance(PRODUCER_PERFORMANCE_39)).toEqual({
      records: 60000,
      recordsPerSecond: 9961.81305,
      mbPerSecond: 4.75,
      avgLatencyMs: 5.66,
      maxLatencyMs: 453,
      p50Ms: 1,
      p95Ms: 39,
      p99Ms: 59,
      p999Ms: 85,
    });
  });

  it('refuses an output without a final summary', () => {
    const [running] = PRODUCER_PERFORMANCE_39.split('\n');
    expect(() => parseProducerPerformance(running ?? '')).toThrow(/no summary/);
  });
});

describe(parseConsumerPerformance.name, () => {
  it('reads the rates while fetching and with the group join', () => {
    expect(parseConsumerPerformance(CONSUMER_PERFORMANCE_39)).toEqual({
      records: 20000,
      megabytes: 38.147,
      recordsPerSecond: 41493.7759,
      mbPerSecond: 79.1431,
      fetchSeconds: 0.482,
      rebalanceSeconds: 0.575,
      recordsPerSecondWithJoin: 18921.4759,
    });
  });

  it('reads the values past a warning line', () => {
    expect(parseConsumerPerformance(CONSUMER_PERFORMANCE_39_TIMED_OUT).records).toBe(80000);
  });

  it('reads the columns by name, in whatever order they come', () => {
    const [header = '', values = ''] = CONSUMER_PERFORMANCE_39.split('\n');
    const swap = (line: string): string => line.split(', ').reverse().join(', ');
    const reordered = `${swap(header)}\n${swap(values)}\n`;
    expect(parseConsumerPerformance(reordered)).toEqual(
      parseConsumerPerformance(CONSUMER_PERFORMANCE_39),
    );
  });

  it('refuses an output without the summary or a column it needs', () => {
    expect(() => parseConsumerPerformance('')).toThrow(/no summary/);
    const withoutFetch = CONSUMER_PERFORMANCE_39.replace('fetch.nMsg.sec', 'other');
    expect(() => parseConsumerPerformance(withoutFetch)).toThrow(/column fetch\.nMsg\.sec/);
  });
});
