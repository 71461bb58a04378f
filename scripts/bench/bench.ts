import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fromTopic } from '@hub/contracts';
import { MerkleTree, verifyInclusion } from '@hub/transparency-log';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { Page } from 'playwright-core';
import { leafBytes, toAuditEntry, type AuditEntryRow } from '../../src/audit-trail/audit-entry';
import { DEV_DATA_MASTER_KEY, DEV_ISSUER_KEY, DEV_KEYS_DIR } from '../../src/auth/dev-keys';
import { redact } from '../../src/database/ensure-database';
import { APP_ROLE } from '../../src/database/migrations/1763800000000-audit-trail';
import { loadEnv } from '../../src/env';
import { loadPartyRegistry } from '../../src/parties/party-registry';
import { sealedEventPurpose } from '../../src/outbox/outbox-writer';
import { chromiumPath } from '../lib/chromium';
import { ensureDevKeys } from '../lib/dev-keys-setup';
import {
  KAFKA_VERSION,
  defaultBrokerOptions,
  startBroker,
  stopBroker,
  type BrokerOptions,
} from '../lib/kafka-broker';
import { NO_KAFKA_LOGIN } from '../lib/kafka-security';
import { repoRoot } from '../lib/repo-root';
import { runOrThrow } from '../lib/step';
import { fillBenchDatabase } from '../bench-stats';
import { consoleBench } from './console-bench';
import { CpuMeter, describeCpu, type CpuBreakdown } from './cpu-breakdown';
import { figure, formatTable, machineFacts, type BenchResults, type Figure } from './figures';
import {
  acknowledgements,
  exampleReferral,
  hubKey,
  insertDrafts,
  receiverOf,
  submittedEvents,
  type OutboundRecord,
} from './fixtures';
import { HttpLoad } from './http-load';
import {
  count,
  freePort,
  freshDatabase,
  token,
  uuids,
  waitUntil,
  withDatabase,
} from './hub-fixture';
import {
  PartnerReader,
  benchKafka,
  endOffsets,
  ensureTopics,
  setGroupOffsets,
} from './kafka-tools';
import { busyCores, interleaved, pairedRatio, repeated, type Repeated } from './repeats';
import {
  bareConsumer,
  bareProducer,
  produceAll,
  rawPgTransactions,
  rawProofHashing,
  rawVerifyHashing,
} from './references';
import { ServiceProcess } from './service-process';
import {
  captureInboundTemplate,
  captureSubmitTemplate,
  replaySubmits,
  sameWritesConsumer,
  type CapturedTemplate,
} from './sql-replay';
import { assertComparable, recordSettings } from './settings';
import {
  fsyncLimitFor,
  kafkaConsumerPerf,
  kafkaProducerPerf,
  pgbenchMinimal,
  pgTestFsync,
} from './limits';
import { maxRate, pacedRun, rateAtP99, WAIT_MS, type PacedRun } from './submit-load';
import { FIGURES } from './results-shape';

/** How much work each scenario does: the full run, or the smoke run CI does so it cannot rot. */
interface Sizes {
  warmup: number;
  /** Interleaved repeats of each compared pair (the issue asks for at least 5). */
  repeats: number;
  /** Submits per repeat of the maximum-rate scenario. */
  submits: number;
  concurrency: number;
  /** Seconds of each constant-rate step of the latency curve. */
  latencySeconds: number;
  relayRecords: number;
  inbound: number;
  proofs: number;
  /** Seconds of the Kafka outage. */
  outageSeconds: number;
  /** Referrals stored before each step of the scale curve. */
  scale: number[];
  /** Minutes of the soak at half load. */
  soakMinutes: number;
  pgbenchSeconds: number;
  kafkaPerfRecords: number;
}

const FULL: Sizes = {
  warmup: 500,
  repeats: 5,
  submits: 3000,
  concurrency: 32,
  latencySeconds: 10,
  relayRecords: 20_000,
  inbound: 3000,
  proofs: 20_000,
  outageSeconds: 30,
  scale: [10_000, 100_000, 1_000_000],
  soakMinutes: 30,
  pgbenchSeconds: 10,
  // Fewer and the JVM's warm-up is most of what the tools measure.
  kafkaPerfRecords: 100_000,
};

const SMOKE: Sizes = {
  warmup: 20,
  repeats: 2,
  submits: 100,
  concurrency: 8,
  latencySeconds: 1,
  relayRecords: 300,
  inbound: 60,
  proofs: 300,
  outageSeconds: 2,
  scale: [500, 1500],
  soakMinutes: 0.2,
  pgbenchSeconds: 1,
  kafkaPerfRecords: 1000,
};

/** Connections of the hub's pool; every database reference uses the same. */
const POOL_SIZE = 10;
/** The relay's batch (OUTBOX_BATCH_SIZE); the bare producer sends batches of the same size. */
const RELAY_BATCH = 500;
/** The inbound consumer's run (records per transaction), as the hub's. */
const INBOUND_RUN = 50;
/** Load fractions of the latency curve. */
const CURVE = [0.25, 0.5, 0.75, 1] as const;
/** The machine counts as busy when this many cores were in use before the bench started. */
const NOISY_CORES = 0.3;
/** The audit goal and issue 13's figures in their own units. */
const MB = 1e6;

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function benchBrokerOptions(): BrokerOptions {
  const base = defaultBrokerOptions();
  return {
    ...base,
    port: base.port + 10,
    controllerPort: base.port + 11,
    instance: 'bench',
  };
}

interface Settings {
  smoke: boolean;
  build: boolean;
  sizes: Sizes;
  ownerUrl: string;
  brokers: string[];
  output: string;
  compare: string | undefined;
  /** Run the hub under `node --cpu-prof`, profiles in .cache/bench-profiles/. */
  profile: boolean;
}

function settings(): Settings {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      database: { type: 'string' },
      'database-url': { type: 'string' },
      output: { type: 'string' },
      compare: { type: 'string' },
      'skip-build': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'soak-minutes': { type: 'string' },
      scale: { type: 'string' },
    },
  });
  const env = loadEnv();
  const server = values['database-url'] ?? env.MIGRATION_DATABASE_URL;
  const base = new URL(server).pathname.slice(1) || 'referral_hub';
  const name = values.database ?? (values['database-url'] ? base : `${base}_perf`);
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(name)) {
    throw new Error(`--database ${name}: not a plain name`);
  }
  const sizes = { ...(values.smoke ? SMOKE : FULL) };
  if (values['soak-minutes'] !== undefined) {
    sizes.soakMinutes = Number(values['soak-minutes']);
    if (!(sizes.soakMinutes >= 0)) throw new Error('--soak-minutes must be a number ≥ 0');
  }
  if (values.scale !== undefined) {
    sizes.scale = values.scale === '' ? [] : values.scale.split(',').map(Number);
    if (sizes.scale.some((n) => !Number.isInteger(n) || n < 0)) {
      throw new Error('--scale takes referral counts separated by commas, e.g. 10000,100000');
    }
  }
  return {
    smoke: values.smoke,
    build: !values['skip-build'],
    sizes,
    ownerUrl: withDatabase(server, name),
    brokers: [`${benchBrokerOptions().host}:${benchBrokerOptions().port}`],
    output: values.output ?? join(repoRoot(), 'bench-results.json'),
    compare: values.compare,
    profile: values.profile,
  };
}

/**
 * `npm run bench [-- --smoke] [--database <name> | --database-url <owner url>] [--output <file>]
 * [--compare <earlier results>] [--soak-minutes 30] [--scale 10000,100000,1000000]
 * [--skip-build] [--profile]`: see the README's Benchmark section and decision 0009.
 */
async function main(): Promise<void> {
  const s = settings();
  const started = performance.now();
  say(`bench: ${s.smoke ? 'smoke run (sizes too small for real figures)' : 'full run'}`);
  chromiumPath(); // fails now, not after minutes of measuring, when the console cannot be timed
  const busy = await busyCores(3000);
  say(
    `machine: ${busy.toFixed(2)} cores busy before the start${busy > NOISY_CORES ? ' — NOISY' : ''}`,
  );
  if (s.build) {
    // Both: nest build empties dist/, the console's build too.
    say('▶ build (nest build, console)');
    await runOrThrow('npm', ['run', '-s', 'build']);
  }
  await ensureDevKeys();
  // A broker of its own (its port + 10, state in .cache/kafka/bench): the thousands of partner
  // records the bench leaves on referral-hub.from.CC must never reach the tests' hub.
  const brokerOptions = benchBrokerOptions();
  const broker = await startBroker(brokerOptions);
  say(
    broker.reused
      ? `kafka: reusing the broker on ${brokerOptions.host}:${brokerOptions.port}`
      : `kafka: started on ${brokerOptions.host}:${brokerOptions.port}`,
  );
  const bench = new Bench(s, brokerOptions, busy);
  try {
    const results = await bench.run();
    results.machine['durationSeconds'] = Math.round((performance.now() - started) / 1000);
    results.machine['loadAverageAtEnd'] = loadavg().map((l) => Math.round(l * 100) / 100);
    writeFileSync(s.output, `${JSON.stringify(results, null, 2)}\n`);
    say('');
    say(formatTable(results.figures));
    say('');
    say(JSON.stringify(results, null, 2));
    say(`\nwritten to ${s.output}`);
  } finally {
    await bench.close();
    if (!broker.reused) await stopBroker(brokerOptions);
  }
}

/** The benchmark's officer signs in through the console's development sign-in page. */
async function signInToConsole(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByTestId('sign-in-party').selectOption('LA-BOKEO-POLICE');
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('signed-in-as').waitFor({ timeout: 30_000 });
}

/** CPU milliseconds per operation, per part of the machine, from a scenario's breakdown. */
function cpuMsPer(b: CpuBreakdown, operations: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(b.parts).map(([part, cores]) => [
      part,
      Math.round(((cores * b.seconds * 1000) / operations) * 1000) / 1000,
    ]),
  );
}

/** The medians of per-part CPU ms over repeats. */
function medianParts(samples: readonly Record<string, number>[]): Record<string, number> {
  const parts = new Set(samples.flatMap((s) => Object.keys(s)));
  return Object.fromEntries(
    [...parts].map((p) => [
      p,
      Math.round(repeated(samples.map((s) => s[p] ?? 0)).median * 1000) / 1000,
    ]),
  );
}

const spreadOf = (r: Repeated): { repeats: number; spreadPct: number } => ({
  repeats: r.samples.length,
  spreadPct: r.spreadPct,
});

/** One run of the benchmark: its processes, pools and what it found. */
class Bench {
  private readonly sizes: Sizes;
  private readonly processes: ServiceProcess[] = [];
  private readonly pools: Pool[] = [];
  private readonly figures: Figure[] = [];
  private readonly notes: Record<string, unknown> = {};
  private readonly kafka;
  private readonly content = exampleReferral();
  private readonly receiver = receiverOf(this.content);
  private readonly key = hubKey();
  private readonly db: { hub: string; naive: string; raw: string; scale: string; name: string };
  /** The hub's VmHWM after each phase: which phase set the peak, in MB. */
  private readonly peakRssByPhase: Record<string, number> = {};
  private peakRssMB = 0;
  private readonly hubGroup = `referral-hub-bench-${crypto.randomUUID()}`;

  constructor(
    private readonly s: Settings,
    private readonly brokerOptions: BrokerOptions,
    private readonly busyBefore: number,
  ) {
    this.sizes = s.sizes;
    this.kafka = benchKafka(s.brokers, 'bench');
    const name = new URL(s.ownerUrl).pathname.slice(1);
    this.db = {
      name,
      hub: s.ownerUrl,
      naive: withDatabase(s.ownerUrl, `${name}_naive`),
      raw: withDatabase(s.ownerUrl, `${name}_raw`),
      scale: withDatabase(s.ownerUrl, `${name}_scale`),
    };
  }

  async close(): Promise<void> {
    for (const p of this.processes) await p.stop().catch(() => undefined);
    for (const pool of this.pools) await pool.end().catch(() => undefined);
  }

  private pool(url: string, max = 2): Pool {
    const pool = new Pool({ connectionString: url, max });
    this.pools.push(pool);
    return pool;
  }

  private appUrl(ownerUrl: string): string {
    return withDatabase(ownerUrl, new URL(ownerUrl).pathname.slice(1), APP_ROLE);
  }

  private hubEnv(ownerUrl: string): NodeJS.ProcessEnv {
    return {
      DATABASE_URL: this.appUrl(ownerUrl),
      MIGRATION_DATABASE_URL: ownerUrl,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      OUTBOX_BATCH_SIZE: String(RELAY_BATCH),
      KAFKA_BROKERS: this.s.brokers.join(','),
      // The bench's own broker runs plaintext: a KAFKA_SASL_* login inherited from the caller
      // (npm test hands the hub's scram login to what it runs) would be refused there.
      ...NO_KAFKA_LOGIN,
      KAFKA_CONSUMER_GROUP: this.hubGroup,
      // One officer's token drives the whole load; the per-officer limit guards humans' rates.
      RATE_LIMIT_ENABLED: 'false',
      // No partner witnesses run here: the audit section times the log's own verification,
      // which with a quorum would fail for want of cosignatures (decision 0019).
      AUDIT_WITNESS_QUORUM: '0',
      LOG_LEVEL: 'warn',
    };
  }

  private async startHub(label: string, ownerUrl = this.db.hub): Promise<ServiceProcess> {
    const main = join(repoRoot(), 'dist', 'src', 'main.js');
    const args = this.s.profile
      ? ['--cpu-prof', `--cpu-prof-dir=${join(repoRoot(), '.cache', 'bench-profiles')}`, main]
      : [main];
    const hub = new ServiceProcess(`hub (${label})`, args, this.hubEnv(ownerUrl), await freePort());
    this.processes.push(hub);
    await hub.start('/health/ready');
    return hub;
  }

  /** Notes the hub's peak RSS so far (MB) against the phase just done. */
  private notePeak(hub: ServiceProcess, phase: string): void {
    const mb = (hub.usage().peakRssMiB * 2 ** 20) / MB;
    this.peakRssByPhase[phase] = Math.round(mb);
    this.peakRssMB = Math.max(this.peakRssMB, mb);
  }

  private async checkpoint(): Promise<void> {
    const owner = this.pools[0];
    if (owner) await owner.query('CHECKPOINT');
  }

  async run(): Promise<BenchResults> {
    const { sizes, db } = this;
    say(`databases: ${[db.hub, db.naive, db.raw, db.scale].map(redact).join(', ')}`);
    for (const url of [db.hub, db.naive, db.raw, db.scale]) await freshDatabase(url);
    const hubPool = this.pool(db.hub); // pools[0]: the owner's, for CHECKPOINT and counts
    const registry = loadPartyRegistry(join(repoRoot(), 'config'));
    await ensureTopics(this.kafka, [this.receiver.topic, fromTopic(this.receiver.country)], 6);
    const machine = machineFacts({
      kafka: KAFKA_VERSION,
      smoke: this.s.smoke,
      sizes,
      poolSize: POOL_SIZE,
      relayBatch: RELAY_BATCH,
      busyCoresBeforeStart: this.busyBefore,
      noisy: this.busyBefore > NOISY_CORES,
      notes: this.notes,
    });
    this.notes['hubPeakRssMBByPhase'] = this.peakRssByPhase;

    const benchSettings = await recordSettings(hubPool, {
      brokers: this.s.brokers,
      topics: [this.receiver.topic, fromTopic(this.receiver.country)],
    });
    if (this.s.compare !== undefined) {
      assertComparable(JSON.parse(readFileSync(this.s.compare, 'utf8')), benchSettings);
      say(`settings: the same as in ${this.s.compare}`);
    }
    await this.limits(hubPool);
    const templates = await this.captureTemplates();
    // The hub's group starts at the topics' ends: the capture's records are not its business.
    for (const country of registry.partnerCountries()) {
      const topic = fromTopic(country);
      await ensureTopics(this.kafka, [topic], 6);
      await setGroupOffsets(this.kafka, this.hubGroup, topic, await endOffsets(this.kafka, topic));
    }
    const maxSubmitRate = await this.hubRun(hubPool, templates);
    await this.scaleCurve(maxSubmitRate);
    await this.soak(maxSubmitRate / 2);
    this.figures.push(
      figure('hub peak RSS over the whole bench (VmHWM)', this.peakRssMB, 'MB', null, {
        of: 'value',
        op: '<=',
        bound: 250,
      }),
    );
    machine['postgres'] = (await hubPool.query<{ v: string }>(`SHOW server_version`)).rows[0]?.v;
    const order = new Map(FIGURES.map((name, i) => [name as string, i]));
    this.figures.sort((a, b) => (order.get(a.name) ?? 99) - (order.get(b.name) ?? 99));
    return { machine, settings: benchSettings, figures: this.figures };
  }

  /**
   * The limits of the parts, measured with their own tools beside the hub's figures: the disk's
   * fsync rate for PostgreSQL's WAL sync method, pgbench running the submit's minimal
   * transaction from as many connections as the hub's pool, and Kafka's producer and consumer
   * perf tests at the size of a submitted event with the hub's producer settings.
   */
  private async limits(ownerPool: Pool): Promise<void> {
    const { sizes } = this;
    const show = async (name: string): Promise<string> =>
      (await ownerPool.query<Record<string, string>>(`SHOW ${name}`)).rows[0]?.[name] ?? '';
    const method = await show('wal_sync_method');
    say(`▶ limit: pg_test_fsync in the data directory (${method})`);
    const fsync = await pgTestFsync({
      directory: await show('data_directory'),
      seconds: this.s.smoke ? 1 : 2,
    });
    const fsyncRate = fsyncLimitFor(fsync, method) ?? Number.NaN;
    say(`  ${fsyncRate.toFixed(0)} fsyncs/s`);
    say(`▶ limit: pgbench, the minimal submit transaction, ${POOL_SIZE} clients`);
    await this.checkpoint();
    const pgbench = await pgbenchMinimal({
      url: this.appUrl(this.db.raw),
      clients: POOL_SIZE,
      seconds: sizes.pgbenchSeconds,
    });
    say(`  ${pgbench.tps.toFixed(0)} transactions/s`);
    const [sample] = submittedEvents(1, this.content, this.key);
    const recordSize = Buffer.byteLength(sample?.value ?? '');
    const topic = 'bench.kafka-perf';
    await ensureTopics(this.kafka, [topic], 6);
    say(
      `▶ limit: kafka-producer-perf-test, ${sizes.kafkaPerfRecords} records of ${recordSize} bytes, acks=all`,
    );
    const producer = await kafkaProducerPerf({
      brokers: this.s.brokers.join(','),
      topic,
      records: sizes.kafkaPerfRecords,
      recordSize,
    });
    say(`  ${producer.recordsPerSecond.toFixed(0)} records/s`);
    say('▶ limit: kafka-consumer-perf-test');
    const consumer = await kafkaConsumerPerf({
      brokers: this.s.brokers.join(','),
      topic,
      records: sizes.kafkaPerfRecords,
    });
    say(`  ${consumer.recordsPerSecond.toFixed(0)} records/s`);
    this.notes['limits'] = {
      fsync: { method, results: [...fsync], command: fsync.command },
      pgbench,
      kafkaProducerPerf: producer,
      kafkaConsumerPerf: consumer,
    };
    this.figures.push(
      figure('disk limit: pg_test_fsync, the WAL sync method', fsyncRate, 'fsyncs/s', null),
      figure(
        'PostgreSQL limit: pgbench, minimal submit transaction',
        pgbench.tps,
        'transactions/s',
        null,
      ),
      figure(
        'Kafka limit: kafka-producer-perf-test (acks=all)',
        producer.recordsPerSecond,
        'records/s',
        null,
      ),
      figure('Kafka limit: kafka-consumer-perf-test', consumer.recordsPerSecond, 'records/s', null),
    );
  }

  /**
   * Run A: the hub beside the naive endpoint and the references, interleaved. Returns the hub's
   * maximum submit rate (median), which sets the load of the later phases.
   */
  private async hubRun(hubPool: Pool, templates: Templates): Promise<number> {
    const { sizes, db, content } = this;
    const n = sizes.submits;
    const naivePool = this.pool(db.naive);
    const rawPool = this.pool(db.raw);
    const warm = uuids(sizes.warmup);
    const rounds = Array.from({ length: sizes.repeats }, () => uuids(n));
    await insertDrafts(hubPool, [...warm, ...rounds.flat()], content);
    const naiveWarm = uuids(sizes.warmup);
    const naiveRounds = Array.from({ length: sizes.repeats }, () => uuids(n));
    await insertDrafts(naivePool, [...naiveWarm, ...naiveRounds.flat()], content);
    const replayRounds = Array.from({ length: sizes.repeats }, () => ({
      warm: uuids(2 * POOL_SIZE),
      ids: uuids(n),
    }));
    await insertDrafts(
      rawPool,
      replayRounds.flatMap((r) => [...r.warm, ...r.ids]),
      content,
    );

    say('▶ hub and naive endpoint: start');
    const hub = await this.startHub('A');
    const naive = await this.startNaive();
    const officer = await token('LA-BOKEO-POLICE', ['liaison_officer']);
    const hubLoad = new HttpLoad('127.0.0.1', hub.port, { authorization: `Bearer ${officer}` }, 64);
    const naiveLoad = new HttpLoad(
      '127.0.0.1',
      naive.port,
      { authorization: `Bearer ${officer}` },
      64,
    );
    const reader = this.partnerReader();
    await reader.start();
    const auditCaughtUp = async (): Promise<boolean> =>
      (await count(hubPool, `SELECT count(*) AS n FROM audit_pending`)) === 0;
    const naiveSettled = async (): Promise<boolean> => Promise.resolve(true);
    let hubRate: number;
    try {
      say(`▶ warm-up (${sizes.warmup} submits each)`);
      await maxRate(hubLoad, reader, warm, sizes.concurrency, auditCaughtUp);
      await maxRate(naiveLoad, reader, naiveWarm, sizes.concurrency, naiveSettled);
      this.notePeak(hub, 'after warm-up');

      say('▶ console: first meaningful page in Chromium, cold cache, warm hub');
      const consoleResult = await consoleBench({
        baseUrl: `http://127.0.0.1:${hub.port}`,
        signIn: signInToConsole,
        runs: this.s.smoke ? 2 : 10,
        log: say,
      });
      this.figures.push(...consoleResult.figures);
      this.notes['consoleFirstPageFiles'] = consoleResult.files;
      this.notePeak(hub, 'after console');

      // ------------------------------------------------------------------ submit, interleaved
      say(
        `▶ submit at maximum rate: ${sizes.repeats} interleaved repeats of hub, two-insert floor, naive (${n} each, ${sizes.concurrency} in flight)`,
      );
      const [sample] = submittedEvents(1, content, this.key);
      if (!sample) throw new Error('no sample event');
      const cpuPerSubmit: Record<string, number>[] = [];
      const httpRates: number[] = [];
      let round = 0;
      let naiveRound = 0;
      let replayRound = 0;
      const submit = await interleaved(
        sizes.repeats,
        {
          hub: async () => {
            const ids = rounds[round++] as string[];
            const meter = new CpuMeter();
            meter.begin();
            const r = await maxRate(hubLoad, reader, ids, sizes.concurrency, auditCaughtUp);
            const use = meter.end(hub.pid);
            cpuPerSubmit.push(cpuMsPer(use, ids.length));
            httpRates.push(r.httpRate);
            say(
              `  hub ${r.rate.toFixed(0)}/s (HTTP alone ${r.httpRate.toFixed(0)}/s); CPU: ${describeCpu(use)}`,
            );
            return r.rate;
          },
          replay: async () => {
            const r = replayRounds[replayRound++] as { warm: string[]; ids: string[] };
            const replayed = await replaySubmits({
              url: this.appUrl(db.raw),
              poolSize: POOL_SIZE,
              template: templates.submit.template,
              draftIds: r.ids,
              warmupIds: r.warm,
              concurrency: sizes.concurrency,
            });
            if (replayed.failures > 0) {
              throw new Error(
                `replayed submits: ${replayed.failures} failed: ${replayed.firstError}`,
              );
            }
            say(`  the hub's SQL replayed ${replayed.perSecond.toFixed(0)}/s`);
            return replayed.perSecond;
          },
          floor: async () => {
            const rate = await rawPgTransactions(
              this.appUrl(db.raw),
              POOL_SIZE,
              n,
              content,
              sample,
            );
            say(`  two-insert floor ${rate.toFixed(0)}/s`);
            return rate;
          },
          naive: async () => {
            const ids = naiveRounds[naiveRound++] as string[];
            const r = await maxRate(naiveLoad, reader, ids, sizes.concurrency, naiveSettled);
            say(`  naive ${r.rate.toFixed(0)}/s`);
            return r.rate;
          },
        },
        () => this.checkpoint(),
      );
      this.notePeak(hub, 'after maximum rate');
      const hubRates = repeated(submit.hub);
      hubRate = hubRates.median;
      const vsFloor = pairedRatio(submit.hub, submit.floor);
      const vsReplay = pairedRatio(submit.hub, submit.replay);
      this.notes['replayVsFloor'] = pairedRatio(submit.replay, submit.floor);
      const cpu = medianParts(cpuPerSubmit);
      this.notes['cpuMsPerSubmit'] = cpu;
      this.notes['hubHttpSubmitRate'] = Math.round(repeated(httpRates).median);
      this.figures.push(
        figure(
          'submit rate (HTTP → partner read)',
          hubRate,
          'referrals/s',
          null,
          {
            of: 'value',
            op: '>=',
            bound: 1000,
          },
          spreadOf(hubRates),
        ),
        figure(
          "submit rate vs the hub's own SQL replayed with raw pg",
          hubRate,
          'referrals/s',
          repeated(submit.replay).median,
          { of: 'ratio', op: '>=', bound: 0.6 },
          { ...spreadOf(vsReplay), ratio: vsReplay.median },
        ),
        figure(
          'submit rate vs the two-insert floor (raw pg)',
          hubRate,
          'referrals/s',
          repeated(submit.floor).median,
          undefined,
          { ...spreadOf(vsFloor), ratio: vsFloor.median },
        ),
        figure('hub CPU per submit', cpu['hub'] ?? Number.NaN, 'ms', null, {
          of: 'value',
          op: '<=',
          bound: 0.7,
        }),
        figure('PostgreSQL CPU per submit', cpu['postgres'] ?? 0, 'ms', null),
      );

      // --------------------------------------------------------------------- latency curves
      const hubCurve = await this.latencyCurve('hub', hubPool, hubLoad, reader, hubRate);
      const naiveMax = repeated(submit.naive).median;
      const naiveCurve = await this.latencyCurve('naive', naivePool, naiveLoad, reader, naiveMax);
      this.notePeak(hub, 'after latency curves');
      const half = hubCurve.find((p) => p.fraction === 0.5)?.run;
      if (!half) throw new Error('no latency at half the maximum rate');
      this.notes['latencyCurve'] = { hub: hubCurve, naive: naiveCurve };
      this.figures.push(
        figure('e2e submit latency p50 at half max rate', half.endToEnd.p50, 'ms', null),
        figure('e2e submit latency p99 at half max rate', half.endToEnd.p99, 'ms', null, {
          of: 'value',
          op: '<=',
          bound: 50,
        }),
        figure('e2e submit latency p99.9 at half max rate', half.endToEnd.p999, 'ms', null, {
          of: 'value',
          op: '<=',
          bound: 150,
        }),
      );
      // The naive endpoint's p99 at half its own maximum is the operating point both are read at.
      const naiveHalf = naiveCurve.find((p) => p.fraction === 0.5)?.run;
      if (!naiveHalf) throw new Error('no naive latency at half its maximum rate');
      const budget = naiveHalf.endToEnd.p99;
      const hubAt = rateAtP99(
        hubCurve.map((p) => ({ rate: p.run.achievedRate, p99: p.run.endToEnd.p99 })),
        budget,
      );
      // By definition the naive endpoint holds that p99 at half its maximum.
      const naiveAt = naiveHalf.achievedRate;
      this.notes['sameP99'] = { p99Ms: budget, hubRate: hubAt, naiveRate: naiveAt };
      this.figures.push(
        figure(`hub vs naive endpoint: rate at the same p99`, hubAt ?? 0, 'referrals/s', naiveAt, {
          of: 'ratio',
          op: '>=',
          bound: 1.3,
        }),
      );

      // ----------------------------------------------------------------------------- relay
      await this.relay(hub, hubPool, reader);

      // --------------------------------------------------------------------------- inbound
      await this.inbound(
        hub,
        hubPool,
        rounds.flat(),
        replayRounds.flatMap((r) => r.ids),
        templates,
      );

      // -------------------------------------------------------------------------------- audit
      await this.audit(hub, hubPool);

      // ------------------------------------------------------------------------ Kafka outage
      await reader.stop();
      await this.outage(hub, hubPool, hubLoad, hubRate / 2);
    } finally {
      await reader.stop().catch(() => undefined);
      hubLoad.close();
      naiveLoad.close();
    }
    this.notePeak(hub, 'after the Kafka outage');
    say('▶ hub (run A) and naive endpoint: stop');
    this.notes['naivePeakRssMB'] = Math.round((naive.usage().peakRssMiB * 2 ** 20) / MB);
    await hub.stop();
    await naive.stop();
    return hubRate;
  }

  /**
   * The hub's own SQL, traced: a hub started with `sql-trace.cjs` on the reference database
   * submits a few drafts and applies a run of acknowledgements; the references replay what it
   * sent (decision 0018).
   */
  private async captureTemplates(): Promise<Templates> {
    const options = {
      ownerUrl: this.db.raw,
      appUrl: this.appUrl(this.db.raw),
      brokers: this.s.brokers,
      poolSize: POOL_SIZE,
    };
    say('▶ trace: the SQL of a submit and of an applied partner event, from a traced hub');
    const submit = await captureSubmitTemplate(options);
    say(`  submit: ${submit.summary}`);
    const inbound = await captureInboundTemplate(options);
    say(`  inbound event: ${inbound.summary}`);
    this.notes['tracedSql'] = { submit: submit.summary, inboundEvent: inbound.summary };
    return { submit, inbound };
  }

  private partnerReader(): PartnerReader {
    return new PartnerReader(this.kafka, this.receiver.topic, 'mrh.referral.submitted.v1');
  }

  /**
   * The scale curve, on a database of its own: for each count of referrals already stored (ten
   * years of generated history, as `npm run bench:stats` fills it, with an audit log of as many
   * entries), a fresh hub's submit rate, p99 at `rate / 2`, peak RSS, the yearly figures over HTTP
   * (cold: the first request of the fresh hub; warm: the median of 5; and warm again while
   * officers submit at a quarter of the maximum rate), and the audit verification time.
   */
  private async scaleCurve(rate: number): Promise<void> {
    const { sizes } = this;
    if (sizes.scale.length === 0) return;
    const ownerPool = this.pool(this.db.scale);
    const dataSource = new DataSource({ type: 'postgres', url: this.db.scale, poolSize: 2 });
    await dataSource.initialize();
    const auditor = await token('LA-PDPCHT', ['auditor']);
    const officer = await token('LA-BOKEO-POLICE', ['liaison_officer']);
    const curve: Record<string, unknown>[] = [];
    let last: { warm: number; tenYears: number; stored: number } | undefined;
    try {
      for (const target of sizes.scale) {
        const stored = await count(ownerPool, `SELECT count(*) AS n FROM referrals`);
        say(`▶ scale: ${target.toLocaleString('en')} referrals stored (filling from ${stored})`);
        const fillStarted = performance.now();
        await fillBenchDatabase(dataSource, target, stored + 1);
        await fillAuditLog(ownerPool, target);
        for (const table of [
          'referrals',
          'referral_changes',
          'referral_step_times',
          'audit_entries',
        ]) {
          await ownerPool.query(`VACUUM (ANALYZE) ${table}`);
        }
        say(`  filled in ${((performance.now() - fillStarted) / 1000).toFixed(0)} s`);
        await this.checkpoint();
        const hub = await this.startHub(`scale ${target}`, this.db.scale);
        const load = new HttpLoad(
          '127.0.0.1',
          hub.port,
          { authorization: `Bearer ${officer}` },
          64,
        );
        const reader = this.partnerReader();
        await reader.start();
        try {
          const stats = new StatsTimer(hub.port, auditor);
          const cold = await stats.year(2024);
          // EXISTS, not count(*): a million queued entries and the dead rows the sequencer leaves
          // behind made every 10 ms count a full scan competing with the sequencer itself.
          const auditSettled = async (): Promise<boolean> =>
            (await count(
              ownerPool,
              `SELECT count(*) AS n FROM (SELECT 1 FROM audit_pending LIMIT 1) p`,
            )) === 0;
          await waitUntil(
            'the audit sequencer to take in the filled log',
            auditSettled,
            900_000,
            1000,
          );
          const warmIds = uuids(sizes.warmup);
          const ids = uuids(sizes.submits);
          const paced = uuids(Math.max(10, Math.round((rate / 2) * sizes.latencySeconds)));
          const busy = uuids(Math.max(10, Math.round((rate / 4) * sizes.latencySeconds)));
          await insertDrafts(ownerPool, [...warmIds, ...ids, ...paced, ...busy], this.content);
          await maxRate(load, reader, warmIds, sizes.concurrency, auditSettled);
          await this.checkpoint();
          const max = await maxRate(load, reader, ids, sizes.concurrency, auditSettled);
          const latency = await pacedRun(load, reader, paced, rate / 2);
          const warm = await stats.median(() => stats.year(2024));
          const tenYears = await stats.median(() => stats.years(2016, 2026));
          const underWrites = stats.median(() => stats.year(2024));
          const writes = load.openLoop(
            busy.map((id) => ({ id, path: `/v1/referrals/${id}/submit`, body: '{}' })),
            rate / 4,
          );
          const [warmWithWrites] = await Promise.all([underWrites, writes]);
          const verify = await this.timeVerify(hub.port, auditor);
          this.notePeak(hub, `scale ${target}`);
          const point = {
            referrals: await count(ownerPool, `SELECT count(*) AS n FROM referrals`),
            submitRate: Math.round(max.rate),
            p99Ms: latency.endToEnd.p99,
            p99AtRate: Math.round(rate / 2),
            peakRssMB: Math.round((hub.usage().peakRssMiB * 2 ** 20) / MB),
            yearlyColdMs: Math.round(cold),
            yearlyWarmMs: Math.round(warm),
            yearlyWarmWithWritesMs: Math.round(warmWithWrites),
            tenYearsWarmMs: Math.round(tenYears),
            auditEntries: verify.entries,
            auditVerifyMs: Math.round(verify.ms),
          };
          say(`  ${JSON.stringify(point)}`);
          curve.push(point);
          last = { warm, tenYears, stored: point.referrals };
        } finally {
          await reader.stop();
          load.close();
          await hub.stop();
        }
      }
    } finally {
      await dataSource.destroy();
    }
    this.notes['scaleCurve'] = curve;
    if (last) {
      this.notes['largestHistory'] = last.stored;
      this.figures.push(
        figure('yearly figures over HTTP, warm, largest history', last.warm, 'ms', null, {
          of: 'value',
          op: '<',
          bound: 1000,
        }),
        figure("ten years' figures over HTTP, warm, largest history", last.tenYears, 'ms', null, {
          of: 'value',
          op: '<',
          bound: 2000,
        }),
      );
    }
  }

  /**
   * The soak: a fresh hub at `rate` (half the maximum) for `soakMinutes`, fed a minute of drafts
   * at a time, its RSS sampled every 10 s. The slope is a least-squares fit over the samples
   * after the first fifth (start-up and JIT warm-up are not a leak), in MB per hour.
   */
  private async soak(rate: number): Promise<void> {
    const minutes = this.sizes.soakMinutes;
    if (minutes <= 0) return;
    say(`▶ soak: ${minutes} min at ${rate.toFixed(0)} submits/s`);
    const pool = this.pools[0] as Pool;
    const hub = await this.startHub('soak');
    const officer = await token('LA-BOKEO-POLICE', ['liaison_officer']);
    const load = new HttpLoad('127.0.0.1', hub.port, { authorization: `Bearer ${officer}` }, 64);
    const reader = this.partnerReader();
    await reader.start();
    const samples: { minute: number; rssMB: number }[] = [];
    const started = performance.now();
    const sampleEveryMs = this.s.smoke ? 1000 : 10_000;
    const sampler = setInterval(() => {
      samples.push({
        minute: (performance.now() - started) / 60_000,
        rssMB: (hub.usage().rssMiB * 2 ** 20) / MB,
      });
    }, sampleEveryMs);
    let p99Worst = 0;
    try {
      const chunkSeconds = Math.min(60, minutes * 60);
      while (performance.now() - started < minutes * 60_000) {
        const ids = uuids(Math.max(10, Math.round(rate * chunkSeconds)));
        await insertDrafts(pool, ids, this.content);
        const run = await pacedRun(load, reader, ids, rate);
        p99Worst = Math.max(p99Worst, run.endToEnd.p99);
      }
    } finally {
      clearInterval(sampler);
      await reader.stop();
      load.close();
    }
    this.notePeak(hub, 'soak');
    await hub.stop();
    const kept = samples.slice(Math.floor(samples.length / 5));
    const slope = leastSquaresSlope(kept.map((p) => [p.minute, p.rssMB])) * 60;
    this.notes['soak'] = {
      minutes,
      rate: Math.round(rate),
      worstMinuteP99Ms: p99Worst,
      rssMB: samples.map((p) => [Math.round(p.minute * 10) / 10, Math.round(p.rssMB)]),
    };
    say(
      `  RSS slope ${slope.toFixed(1)} MB/hour over ${kept.length} samples; worst minute's p99 ${p99Worst} ms`,
    );
    this.figures.push(
      figure('hub RSS slope over the soak at half load', slope, 'MB/hour', null, {
        of: 'value',
        op: '<=',
        bound: 5,
      }),
    );
  }

  private async startNaive(): Promise<ServiceProcess> {
    const port = await freePort();
    const naive = new ServiceProcess(
      'naive',
      [
        '--import',
        'tsx',
        'scripts/bench/naive/naive-main.ts',
        '--database-url',
        this.appUrl(this.db.naive),
        '--brokers',
        this.s.brokers.join(','),
        '--issuer-key',
        join(repoRoot(), DEV_KEYS_DIR, `${DEV_ISSUER_KEY}.public.jwk`),
        '--master-key',
        join(repoRoot(), DEV_KEYS_DIR, DEV_DATA_MASTER_KEY),
        '--pool-size',
        String(POOL_SIZE),
        '--port',
        String(port),
      ],
      {},
      port,
    );
    this.processes.push(naive);
    await naive.start('/health');
    return naive;
  }

  /**
   * Constant arrival rate at 25, 50, 75 and 100 % of `max`, `latencySeconds` each: HdrHistogram
   * percentiles end to end and per stage, and the load generator's own CPU.
   */
  private async latencyCurve(
    who: string,
    pool: Pool,
    load: HttpLoad,
    reader: PartnerReader,
    max: number,
  ): Promise<{ fraction: number; run: PacedRun }[]> {
    const curve: { fraction: number; run: PacedRun }[] = [];
    for (const fraction of CURVE) {
      const rate = Math.max(1, max * fraction);
      const ids = uuids(Math.max(10, Math.round(rate * this.sizes.latencySeconds)));
      await insertDrafts(pool, ids, this.content);
      await this.checkpoint();
      say(
        `▶ ${who}: latency at ${fraction * 100} % of its maximum (${rate.toFixed(0)}/s, ${ids.length})`,
      );
      const run = await pacedRun(load, reader, ids, rate);
      const e = run.endToEnd;
      say(
        `  p50 ${e.p50} ms, p90 ${e.p90}, p99 ${e.p99}, p99.9 ${e.p999}, max ${e.max}; stages p99: HTTP ${run.http.p99}, → published ${run.toPublished.p99}, → read ${run.toRead.p99}; generator ${run.generatorCores} cores`,
      );
      curve.push({ fraction, run });
    }
    return curve;
  }

  /** The relay drains a pre-filled outbox; the bare producer sends the same records; repeated. */
  private async relay(hub: ServiceProcess, hubPool: Pool, reader: PartnerReader): Promise<void> {
    const { sizes } = this;
    say(
      `▶ outbox relay vs bare producer: ${sizes.repeats} interleaved repeats of ${sizes.relayRecords} events (hub up, partner reader running)`,
    );
    const unpublished = `SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`;
    await waitUntil('an empty outbox', async () => (await count(hubPool, unpublished)) === 0);
    const cpu: Record<string, number>[] = [];
    reader.watch([]);
    const relay = await interleaved(
      sizes.repeats,
      {
        hub: async () => {
          const records = submittedEvents(sizes.relayRecords, this.content, this.key);
          await this.fillOutbox(hubPool, records);
          const meter = new CpuMeter();
          meter.begin();
          const filled = performance.now();
          await this.notifyOutbox(hubPool);
          await waitUntil(
            'the relay to drain the outbox',
            async () => (await count(hubPool, unpublished)) === 0,
          );
          const rate = records.length / ((performance.now() - filled) / 1000);
          const use = meter.end(hub.pid);
          cpu.push(cpuMsPer(use, records.length));
          say(`  relay ${rate.toFixed(0)} events/s; CPU: ${describeCpu(use)}`);
          return rate;
        },
        bare: async () => {
          const records = submittedEvents(sizes.relayRecords, this.content, this.key);
          const rate = await bareProducer(this.kafka, records, RELAY_BATCH);
          say(`  bare producer ${rate.toFixed(0)} records/s`);
          return rate;
        },
      },
      () => this.checkpoint(),
    );
    this.notePeak(hub, 'after relay');
    const ratio = pairedRatio(relay.hub, relay.bare);
    this.notes['cpuMsPerRelayedEvent'] = medianParts(cpu);
    this.figures.push(
      figure(
        'outbox relay drain rate vs bare producer',
        repeated(relay.hub).median,
        'events/s',
        repeated(relay.bare).median,
        { of: 'ratio', op: '>=', bound: 0.7 },
        { ...spreadOf(ratio), ratio: ratio.median },
      ),
    );
  }

  /**
   * Inserts the events into the outbox as the hub writes them (each sealed with its referral's
   * data key, which the relay unwraps and opens before sending), in one transaction, so the
   * relay sees them all at once.
   */
  private async fillOutbox(pool: Pool, records: readonly OutboundRecord[]): Promise<void> {
    const keys = await insertDrafts(
      pool,
      records.map((r) => r.referralId),
      this.content,
    );
    const sealed = records.map((r) => {
      const dataKey = keys.get(r.referralId);
      if (!dataKey) throw new Error(`no data key for ${r.referralId}`);
      return dataKey.sealText(sealedEventPurpose(r.eventId), r.value);
    });
    const client = await pool.connect();
    try {
      // The relay is woken by NOTIFY; holding the rows back until they are all in keeps its
      // first round from starting on a part of them. The trigger's notice is sent at commit.
      await client.query(
        `INSERT INTO outbox (event_id, topic, message_key, referral_id, referral_seq, sealed_value,
           headers)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::int[],
           $6::bytea[], $7::jsonb[])`,
        [
          records.map((r) => r.eventId),
          records.map((r) => r.topic),
          records.map((r) => r.key),
          records.map((r) => r.referralId),
          records.map(() => 1),
          sealed,
          records.map((r) => JSON.stringify(r.headers)),
        ],
      );
    } finally {
      client.release();
    }
  }

  private async notifyOutbox(pool: Pool): Promise<void> {
    await pool.query(`NOTIFY outbox`);
  }

  /** Partner acknowledgements applied by the hub vs the same writes by a bare consumer. */
  private async inbound(
    hub: ServiceProcess,
    hubPool: Pool,
    submitted: string[],
    replayed: string[],
    templates: Templates,
  ): Promise<void> {
    const { sizes } = this;
    const k = sizes.inbound;
    const topic = fromTopic(this.receiver.country);
    say(
      `▶ inbound: ${sizes.repeats} interleaved repeats of ${k} partner acknowledgements (hub) and the bare reader`,
    );
    const cpu: Record<string, number>[] = [];
    const taker = (ids: string[]): (() => string[]) => {
      let next = 0;
      return () => {
        const taken = ids.slice(next, next + k);
        next += k;
        if (taken.length < k)
          throw new Error('not enough submitted referrals for the inbound runs');
        return taken;
      };
    };
    const take = taker(submitted);
    const takeReplayed = taker(replayed);
    const readerTopic = 'bench.inbound-reference';
    await ensureTopics(this.kafka, [readerTopic], 6);
    const inbox = `SELECT count(*) AS n FROM inbox`;
    const inboundRuns = await interleaved(
      sizes.repeats,
      {
        hub: async () => {
          const acks = acknowledgements(take(), this.content);
          const before = await count(hubPool, inbox);
          const meter = new CpuMeter();
          meter.begin();
          const started = performance.now();
          await produceAll(this.kafka, topic, acks);
          await waitUntil(
            'the hub to apply the acknowledgements',
            async () => (await count(hubPool, inbox)) >= before + acks.length,
          );
          const rate = acks.length / ((performance.now() - started) / 1000);
          const use = meter.end(hub.pid);
          cpu.push(cpuMsPer(use, acks.length));
          say(`  hub ${rate.toFixed(0)} events/s; CPU: ${describeCpu(use)}`);
          return rate;
        },
        sameWrites: async () => {
          const acks = acknowledgements(takeReplayed(), this.content);
          const from = await endOffsets(this.kafka, readerTopic);
          await produceAll(this.kafka, readerTopic, acks);
          const r = await sameWritesConsumer({
            kafka: this.kafka,
            topic: readerTopic,
            from,
            count: acks.length,
            url: this.appUrl(this.db.raw),
            poolSize: POOL_SIZE,
            template: templates.inbound.template,
            runSize: INBOUND_RUN,
            timeoutMs: WAIT_MS,
          });
          say(`  same-writes consumer ${r.perSecond.toFixed(0)} events/s`);
          return r.perSecond;
        },
        bareReader: async () => {
          const acks = acknowledgements(uuids(k), this.content);
          const from = await endOffsets(this.kafka, readerTopic);
          await produceAll(this.kafka, readerTopic, acks);
          const rate = await bareConsumer(this.kafka, readerTopic, from, acks.length, WAIT_MS);
          say(`  bare reader ${rate.toFixed(0)} records/s`);
          return rate;
        },
      },
      () => this.checkpoint(),
    );
    const applied = await count(
      hubPool,
      `SELECT count(*) AS n FROM inbox WHERE outcome = 'applied'`,
    );
    if (applied !== sizes.repeats * k) {
      throw new Error(`${applied} of ${sizes.repeats * k} acknowledgements were applied`);
    }
    this.notePeak(hub, 'after inbound');
    const cpuParts = medianParts(cpu);
    this.notes['cpuMsPerAppliedEvent'] = cpuParts;
    const hubInbound = repeated(inboundRuns.hub);
    const vsReader = pairedRatio(inboundRuns.hub, inboundRuns.bareReader);
    const vsSameWrites = pairedRatio(inboundRuns.hub, inboundRuns.sameWrites);
    this.figures.push(
      figure(
        'inbound partner events applied',
        hubInbound.median,
        'events/s',
        null,
        {
          of: 'value',
          op: '>=',
          bound: 2000,
        },
        spreadOf(hubInbound),
      ),
      figure(
        'inbound vs the same writes by a bare consumer',
        hubInbound.median,
        'events/s',
        repeated(inboundRuns.sameWrites).median,
        { of: 'ratio', op: '>=', bound: 0.5 },
        { ...spreadOf(vsSameWrites), ratio: vsSameWrites.median },
      ),
      figure(
        'inbound vs a bare reader (no writes)',
        hubInbound.median,
        'events/s',
        repeated(inboundRuns.bareReader).median,
        undefined,
        { ...spreadOf(vsReader), ratio: vsReader.median },
      ),
      figure('hub CPU per applied event', cpuParts['hub'] ?? Number.NaN, 'ms', null),
    );
  }

  /** `GET /v1/audit/verify` and inclusion proofs, each beside raw SHA-256 over the same bytes. */
  private async audit(hub: ServiceProcess, hubPool: Pool): Promise<void> {
    say('▶ audit log verification and proofs');
    await waitUntil(
      'the audit sequencer',
      async () => (await count(hubPool, `SELECT count(*) AS n FROM audit_pending`)) === 0,
    );
    const auditor = await token('LA-PDPCHT', ['auditor']);
    const auditLoad = new HttpLoad(
      '127.0.0.1',
      hub.port,
      { authorization: `Bearer ${auditor}` },
      1,
    );
    const signed = await auditLoad.post('/v1/audit/checkpoint', '{}');
    auditLoad.close();
    if (signed.status >= 300) throw new Error(`checkpoint: ${signed.status} ${signed.body}`);
    const verified = await this.timeVerify(hub.port, auditor);
    const rows = await hubPool.query<AuditEntryRow & { leaf_index: string; leaf_hash: Buffer }>(
      `SELECT l.leaf_index, l.leaf_hash, e.* FROM audit_leaves l
       JOIN audit_entries e ON e.id = l.entry_id ORDER BY l.leaf_index`,
    );
    const leaves = rows.rows.map((r) => leafBytes(toAuditEntry(r), Number(r.leaf_index)));
    this.figures.push(
      figure(
        'audit verification (GET /v1/audit/verify)',
        verified.entries / (verified.ms / 1000),
        'entries/s',
        rawVerifyHashing(leaves),
      ),
    );
    const tree = new MerkleTree();
    for (const r of rows.rows) tree.appendLeafHash(r.leaf_hash);
    const size = tree.size;
    const root = tree.root();
    const indices = Array.from({ length: this.sizes.proofs }, (_, i) => (i * 7919) % size);
    const lengths: number[] = [];
    const proofStarted = performance.now();
    for (const index of indices) {
      const proof = tree.inclusionProof(index, size);
      if (!verifyInclusion(tree.leafHash(index), index, size, proof, root)) {
        throw new Error(`inclusion proof of leaf ${index} does not verify`);
      }
      lengths.push(proof.length);
    }
    const proofRate = indices.length / ((performance.now() - proofStarted) / 1000);
    this.figures.push(
      figure(
        'audit inclusion proofs (make + verify)',
        proofRate,
        'proofs/s',
        rawProofHashing(lengths),
      ),
    );
    this.notes['auditEntries'] = size;
    this.notePeak(hub, 'after audit verification');
  }

  /** Times `GET /v1/audit/verify` once; throws when the log does not verify. */
  private async timeVerify(
    port: number,
    auditor: string,
  ): Promise<{ ms: number; entries: number }> {
    const started = performance.now();
    const verified = await fetch(`http://127.0.0.1:${port}/v1/audit/verify`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    const ms = performance.now() - started;
    const report = (await verified.json()) as { ok: boolean; entriesChecked: number };
    if (!report.ok) throw new Error(`audit verification failed: ${JSON.stringify(report)}`);
    return { ms, entries: report.entriesChecked };
  }

  /**
   * The broker stops for `outageSeconds` while officers keep submitting at `rate` (the outbox
   * holds the events, HTTP keeps answering); then it starts again, and the drain rate is the
   * backlog over the time from the broker's return to an empty outbox.
   */
  private async outage(
    hub: ServiceProcess,
    hubPool: Pool,
    load: HttpLoad,
    rate: number,
  ): Promise<void> {
    const { sizes } = this;
    const ids = uuids(Math.max(10, Math.round(rate * sizes.outageSeconds)));
    await insertDrafts(hubPool, ids, this.content);
    say(
      `▶ Kafka outage: broker down ${sizes.outageSeconds} s while ${ids.length} referrals are submitted (${rate.toFixed(0)}/s)`,
    );
    await stopBroker(this.brokerOptions);
    const outcome = await load.openLoop(
      ids.map((id) => ({ id, path: `/v1/referrals/${id}/submit`, body: '{}' })),
      rate,
    );
    const backlog = await count(
      hubPool,
      `SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`,
    );
    await startBroker(this.brokerOptions);
    const back = performance.now();
    await waitUntil(
      'the outbox to drain after the outage',
      async () =>
        (await count(hubPool, `SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`)) === 0,
      300_000,
    );
    const seconds = (performance.now() - back) / 1000;
    const statuses = outcome.failures.map((f) => f.status);
    this.notes['outage'] = {
      seconds: sizes.outageSeconds,
      submitted: ids.length,
      httpFailures: outcome.failures.length,
      failureStatuses: [...new Set(statuses)],
      backlog,
      drainSeconds: Math.round(seconds * 10) / 10,
    };
    say(
      `  backlog ${backlog} events drained in ${seconds.toFixed(1)} s; ${outcome.failures.length} HTTP failures`,
    );
    this.figures.push(
      figure('drain rate after a Kafka outage', backlog / seconds, 'events/s', null),
    );
  }
}

/** The traced SQL the references replay. */
interface Templates {
  submit: CapturedTemplate;
  inbound: CapturedTemplate;
}

/** Times `GET /v1/stats` as an auditor (all referrals), one request at a time. */
class StatsTimer {
  constructor(
    private readonly port: number,
    private readonly auditor: string,
  ) {}

  year(year: number): Promise<number> {
    return this.years(year, year + 1);
  }

  /** Milliseconds for the figures of the years `from` to `to` (exclusive); throws unless 200. */
  async years(from: number, to: number): Promise<number> {
    const started = performance.now();
    const res = await fetch(
      `http://127.0.0.1:${this.port}/v1/stats?from=${from}-01-01&to=${to}-01-01`,
      { headers: { authorization: `Bearer ${this.auditor}` } },
    );
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET /v1/stats: ${res.status}`);
    return performance.now() - started;
  }

  /** The median of five timings. */
  async median(time: () => Promise<number>): Promise<number> {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) runs.push(await time());
    return repeated(runs).median;
  }
}

/**
 * Tops the audit log up to `entries` entries as the hub records them (an officer's submit of one
 * of the generated referrals), queued for the sequencer, which hashes them into the tree when the
 * hub starts: verification then has a log of that size to check.
 */
async function fillAuditLog(pool: Pool, entries: number): Promise<void> {
  const present = await count(pool, `SELECT count(*) AS n FROM audit_entries`);
  if (present >= entries) return;
  await pool.query(
    `WITH added AS (
       INSERT INTO audit_entries (recorded_at, actor_kind, actor, actor_party, actor_roles, action,
         referral_id, state_before, state_after, event_id, payload_sha256, outcome)
       SELECT now(), 'officer', 'bench', 'LA-BOKEO-POLICE', '{liaison_officer}', 'referral.submit',
         md5('bench-referral-' || g)::uuid, 'DRAFT', 'SUBMITTED', md5('bench-event-' || g)::uuid::text,
         encode(sha256(('bench-' || g)::bytea), 'hex'), 'ok'
       FROM generate_series($1::bigint, $2::bigint) AS g
       RETURNING id)
     INSERT INTO audit_pending (entry_id) SELECT id FROM added`,
    [present + 1, entries],
  );
}

/** The slope of the least-squares line through the points. */
export function leastSquaresSlope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

main().catch((error: unknown) => {
  console.error(
    `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exitCode = 1;
});
