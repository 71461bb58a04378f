import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Admin } from 'kafkajs';
import { pino, type Logger as PinoLogger } from 'pino';
import type {
  GroupConsumer,
  GroupConsumerOptions,
  KafkaProducer,
  OutgoingRecord,
  PartitionBatch,
  ProducerOptions,
} from '../../src/kafka/kafka-client';
import { KafkaGateway } from '../../src/kafka/kafka-gateway';
import {
  KAFKA_VERSION,
  defaultBrokerOptions,
  startBroker,
  stopBroker,
  type BrokerOptions,
} from '../lib/kafka-broker';
import { repoRoot } from '../lib/repo-root';
import { machineFacts, percentile } from './figures';
import { benchKafka } from './kafka-tools';
import { loadConfluent } from './kafka-clients/confluent-api';
import { ConfluentGroupConsumer } from './kafka-clients/confluent-group-consumer';
import { ConfluentKafkaProducer } from './kafka-clients/confluent-producer';
import { PlatformaticGroupConsumer } from './kafka-clients/platformatic-group-consumer';
import { PlatformaticProducer } from './kafka-clients/platformatic-producer';

/**
 * `npm run bench:kafka-clients [-- --smoke] [--records N] [--repeats R] [--batch B]
 * [--clients a,b] [--output file]` (issue 11): the same producer and consumer work through the
 * project's own interface (`src/kafka/kafka-client.ts`) on each Kafka client, on a plaintext broker
 * of its own, clients interleaved, each repeated; prints medians with their spread and writes JSON
 * to `.cache/kafka-clients.json`. `--smoke` sends a few records and checks that every client
 * hands them back intact (key, value, headers). See docs/decisions/0016-kafka-client-replaceable.md.
 */

const PARTITIONS = 6;
/** The hub's inbound consumer handles three partitions at once. */
const PARTITIONS_CONCURRENTLY = 3;
const CONSUME_TIMEOUT_MS = 180_000;
const POLL_MS = 25;
const HEADER_TYPE = 'mrh.referral.submitted.v1';
const HEADER_SOURCE = 'urn:mrh:party:LA-HUB';

interface Settings {
  smoke: boolean;
  records: number;
  repeats: number;
  batch: number;
  clients: string[] | undefined;
  output: string;
}

/** One client, as the benchmark drives it: only through the project's interface. */
interface ClientUnderTest {
  name: string;
  version: string;
  producer(options: ProducerOptions): KafkaProducer;
  groupConsumer(options: GroupConsumerOptions): GroupConsumer;
}

/** A record without its topic: the same records go to each run's fresh topic. */
interface Payload {
  key: string;
  value: string;
  headers: Record<string, string>;
}

interface PhaseResult {
  seconds: number;
  recordsPerSecond: number;
  cpuMicrosPerRecord: number;
}

interface RunResult {
  client: string;
  repeat: number;
  /** Position of the client in its repeat (the order rotates). */
  order: number;
  produce: PhaseResult;
  consume: PhaseResult & {
    /** From start() to the first batch handed to the handler: joining the group. */
    joinSeconds: number;
    batches: number;
    /** Records handed more than once (0 unless the group rebalanced). */
    duplicates: number;
  };
}

interface Spread {
  median: number;
  min: number;
  max: number;
}

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function settings(): Settings {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      records: { type: 'string' },
      repeats: { type: 'string' },
      batch: { type: 'string' },
      clients: { type: 'string' },
      output: { type: 'string' },
    },
  });
  const count = (name: string, value: string | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`--${name} ${value}: not a positive integer`);
    return n;
  };
  return {
    smoke: values.smoke,
    records: count('records', values.records, values.smoke ? 300 : 50_000),
    repeats: count('repeats', values.repeats, values.smoke ? 1 : 3),
    // The outbox relay's batch as issue 11 puts it.
    batch: count('batch', values.batch, 100),
    clients: values.clients?.split(',').map((c) => c.trim()),
    output: values.output ?? join(repoRoot(), '.cache', 'kafka-clients.json'),
  };
}

/**
 * A broker of its own, 20 ports above the local one (9112 by default; the bench takes +10, the
 * tests' broker the base port itself), with its state in `.cache/kafka/kafka-clients`.
 */
function brokerOptions(): BrokerOptions {
  const base = defaultBrokerOptions();
  const options: BrokerOptions = {
    ...base,
    port: base.port + 20,
    controllerPort: base.port + 21,
    instance: 'kafka-clients',
  };
  if ([9092, base.port, base.port + 10].includes(options.port)) {
    throw new Error(`port ${options.port} belongs to another broker; set KAFKA_BROKERS otherwise`);
  }
  return options;
}

function installedVersion(name: string): string {
  const manifest = join(repoRoot(), 'node_modules', ...name.split('/'), 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** Every client that loads here; the others with the reason. */
function clientsUnderTest(
  brokers: string[],
  logger: PinoLogger,
): { clients: ClientUnderTest[]; missing: Record<string, string> } {
  const gateway = new KafkaGateway({ brokers, clientId: 'kclients-kafkajs', logger });
  const clients: ClientUnderTest[] = [
    {
      name: 'kafkajs',
      version: installedVersion('kafkajs'),
      producer: (options) => gateway.producer(options),
      groupConsumer: (options) => gateway.groupConsumer(options),
    },
    {
      name: 'platformatic',
      version: installedVersion('@platformatic/kafka'),
      producer: (options) =>
        new PlatformaticProducer({ brokers, clientId: 'kclients-platformatic' }, options),
      groupConsumer: (options) =>
        new PlatformaticGroupConsumer(
          { brokers, clientId: 'kclients-platformatic' },
          options,
          logger,
        ),
    },
  ];
  const missing: Record<string, string> = {};
  const confluent = loadConfluent();
  if ('missing' in confluent) {
    missing['confluent'] = confluent.missing;
  } else {
    // WARN: librdkafka's own log lines at warning and above go to the console.
    const kafka = new confluent.api.Kafka({
      kafkaJS: { brokers, clientId: 'kclients-confluent', logLevel: 2 },
    });
    clients.push({
      name: 'confluent',
      version: `${confluent.version} (librdkafka ${confluent.librdkafka})`,
      producer: (options) => new ConfluentKafkaProducer(kafka, options),
      groupConsumer: (options) => new ConfluentGroupConsumer(kafka, options, logger),
    });
  }
  return { clients, missing };
}

/**
 * Records like the hub's events: a ~2 KB JSON CloudEvent (a sealed payload inside), keyed by a
 * referral id shared by about ten events in a row, with three `ce_*` headers.
 */
function hubLikeRecords(count: number): Payload[] {
  const records: Payload[] = [];
  let key = randomUUID();
  for (let i = 0; i < count; i++) {
    if (i % 10 === 0) key = randomUUID();
    const id = randomUUID();
    const value = JSON.stringify({
      specversion: '1.0',
      id,
      type: HEADER_TYPE,
      source: HEADER_SOURCE,
      subject: key,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      referralseq: (i % 10) + 1,
      data: { sealed: randomBytes(1350).toString('base64') },
    });
    records.push({
      key,
      value,
      headers: { ce_id: id, ce_type: HEADER_TYPE, ce_source: HEADER_SOURCE },
    });
  }
  return records;
}

function cpuMicros(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}

function phase(records: number, seconds: number, cpu: NodeJS.CpuUsage): PhaseResult {
  return {
    seconds: round(seconds, 3),
    recordsPerSecond: Math.round(records / seconds),
    cpuMicrosPerRecord: round(cpuMicros(cpu) / records, 1),
  };
}

function round(n: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}

/**
 * Creates `topic` with its leaders answering. Untimed; on the busy machine the broker, still
 * deleting the previous run's topic, once answered "does not host this topic-partition" to the
 * leader check, so it is tried again.
 */
async function createTopic(gateway: KafkaGateway, admin: Admin, topic: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await gateway.ensureTopics([
        { topic, numPartitions: PARTITIONS, replicationFactor: 1, minInsyncReplicas: 1 },
      ]);
      await admin.fetchTopicOffsets(topic);
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      say(`  (creating ${topic}: ${(error as Error).message}; again)`);
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
  }
}

async function endOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((p) => [p.partition, BigInt(p.high)]));
}

/** True once the group's committed offsets reached `end` on every partition. */
async function committedToEnd(
  admin: Admin,
  groupId: string,
  topic: string,
  end: Map<number, bigint>,
): Promise<boolean> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return [...end].every(([partition, high]) => {
    const offset = committed?.partitions.find((p) => p.partition === partition)?.offset;
    return high === 0n || (offset !== undefined && offset !== '-1' && BigInt(offset) >= high);
  });
}

/** What the handler checks in a smoke run: every record back byte for byte. */
class IntactCheck {
  private readonly expected = new Map<string, Payload>();
  private readonly seen = new Set<string>();
  readonly problems: string[] = [];

  constructor(records: readonly Payload[]) {
    for (const r of records) this.expected.set(r.headers['ce_id'] ?? '', r);
  }

  check(batch: PartitionBatch): void {
    for (const record of batch.records) {
      const id = record.headers['ce_id']?.toString() ?? '';
      const want = this.expected.get(id);
      const where = `${batch.topic}/${batch.partition}@${record.offset}`;
      if (!want) {
        this.problem(`${where}: unknown ce_id '${id}'`);
        continue;
      }
      this.seen.add(id);
      if (record.key?.toString() !== want.key) this.problem(`${where}: key differs`);
      if (record.value?.toString() !== want.value) this.problem(`${where}: value differs`);
      for (const [name, value] of Object.entries(want.headers)) {
        if (record.headers[name]?.toString() !== value) this.problem(`${where}: header ${name}`);
      }
      const extra = Object.keys(record.headers).filter((h) => !(h in want.headers));
      if (extra.length > 0) this.problem(`${where}: extra headers ${extra.join(',')}`);
    }
  }

  finish(): void {
    const lost = this.expected.size - this.seen.size;
    if (lost > 0) this.problem(`${lost} records never handed to the handler`);
  }

  private problem(line: string): void {
    if (this.problems.length < 20) this.problems.push(line);
  }
}

async function runOnce(
  client: ClientUnderTest,
  repeat: number,
  order: number,
  records: readonly Payload[],
  s: Settings,
  gateway: KafkaGateway,
  admin: Admin,
  warmupTopic: string,
): Promise<RunResult> {
  const topic = `kclients.${client.name}.${repeat}.${randomUUID().slice(0, 8)}`;
  await createTopic(gateway, admin, topic);
  const outgoing = records.map((r) => ({ ...r, topic }));
  const batches: OutgoingRecord[][] = [];
  for (let i = 0; i < outgoing.length; i += s.batch) batches.push(outgoing.slice(i, i + s.batch));

  // ---------------------------------------------------------------- producer
  const producer = client.producer({ idempotent: true });
  // Untimed: connections and the idempotent producer id, on a topic of their own.
  await producer.send(records.slice(0, s.batch).map((r) => ({ ...r, topic: warmupTopic })));
  const produceCpu0 = process.cpuUsage();
  const produce0 = performance.now();
  for (const batch of batches) await producer.send(batch);
  const produceSeconds = (performance.now() - produce0) / 1000;
  const produceCpu = process.cpuUsage(produceCpu0);
  await producer.close();
  const end = await endOffsets(admin, topic);
  const written = [...end.values()].reduce((a, b) => a + b, 0n);
  if (written !== BigInt(records.length)) {
    throw new Error(`${client.name}: ${written} records on ${topic}, ${records.length} sent`);
  }

  // ---------------------------------------------------------------- consumer
  const groupId = `${topic}.group`;
  const check = s.smoke ? new IntactCheck(records) : undefined;
  let handled = 0;
  let batchCount = 0;
  let firstBatchAt: number | undefined;
  const consumer = client.groupConsumer({
    groupId,
    topics: [topic],
    partitionsConcurrently: PARTITIONS_CONCURRENTLY,
    handle: (batch) => {
      firstBatchAt ??= performance.now();
      batchCount++;
      handled += batch.records.length;
      check?.check(batch);
      return Promise.resolve(batch.records.at(-1)?.offset);
    },
  });
  const consumeCpu0 = process.cpuUsage();
  const consume0 = performance.now();
  await consumer.start();
  const deadline = consume0 + CONSUME_TIMEOUT_MS;
  while (!(await committedToEnd(admin, groupId, topic, end))) {
    if (performance.now() > deadline) {
      await consumer.stop();
      throw new Error(`${client.name}: ${handled} of ${records.length} records after the timeout`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const consumeSeconds = (performance.now() - consume0) / 1000;
  const consumeCpu = process.cpuUsage(consumeCpu0);
  await consumer.stop();
  if (handled < records.length) {
    throw new Error(`${client.name}: committed to the end after ${handled} records`);
  }
  // Untimed: 100 MB a run would pile up in the broker's data folder otherwise.
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  if (check) {
    check.finish();
    if (check.problems.length > 0) {
      throw new Error(`${client.name}: records not intact:\n  ${check.problems.join('\n  ')}`);
    }
  }
  return {
    client: client.name,
    repeat,
    order,
    produce: phase(records.length, produceSeconds, produceCpu),
    consume: {
      ...phase(records.length, consumeSeconds, consumeCpu),
      joinSeconds: round(((firstBatchAt ?? consume0) - consume0) / 1000, 3),
      batches: batchCount,
      duplicates: handled - records.length,
    },
  };
}

function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 50),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

function summarise(runs: readonly RunResult[], names: readonly string[]) {
  return names.map((name) => {
    const mine = runs.filter((r) => r.client === name);
    return {
      client: name,
      repeats: mine.length,
      produceRecordsPerSecond: spread(mine.map((r) => r.produce.recordsPerSecond)),
      produceCpuMicrosPerRecord: spread(mine.map((r) => r.produce.cpuMicrosPerRecord)),
      consumeRecordsPerSecond: spread(mine.map((r) => r.consume.recordsPerSecond)),
      consumeCpuMicrosPerRecord: spread(mine.map((r) => r.consume.cpuMicrosPerRecord)),
      consumeJoinSeconds: spread(mine.map((r) => r.consume.joinSeconds)),
      consumeBatches: spread(mine.map((r) => r.consume.batches)),
    };
  });
}

function formatTable(summary: ReturnType<typeof summarise>): string {
  const cell = (sp: Spread, decimals = 0): string =>
    `${sp.median.toFixed(decimals)} (${sp.min.toFixed(decimals)}–${sp.max.toFixed(decimals)})`;
  const rows = [
    [
      'client',
      'produce rec/s',
      'produce CPU µs/rec',
      'consume rec/s',
      'consume CPU µs/rec',
      'join s',
      'batches',
    ],
    ...summary.map((c) => [
      c.client,
      cell(c.produceRecordsPerSecond),
      cell(c.produceCpuMicrosPerRecord, 1),
      cell(c.consumeRecordsPerSecond),
      cell(c.consumeCpuMicrosPerRecord, 1),
      cell(c.consumeJoinSeconds, 2),
      cell(c.consumeBatches),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const lines = rows.map((row) =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return lines.join('\n');
}

async function main(): Promise<void> {
  // kafkajs 2's one-time notice about its default partitioner (the hub's is that default).
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
  const s = settings();
  const started = performance.now();
  say(
    `kafka-clients: ${s.smoke ? 'smoke run (records round-trip intact; no figures)' : 'full run'}` +
      `: ${s.records} records, batches of ${s.batch}, ${s.repeats} repeat(s)`,
  );
  const options = brokerOptions();
  const brokers = [`${options.host}:${options.port}`];
  const broker = await startBroker(options);
  say(`kafka: ${broker.reused ? 'reusing the broker' : 'started a broker'} on ${brokers[0] ?? ''}`);
  const logger = pino({ level: 'warn' });
  const kafka = benchKafka(brokers, 'kclients-admin');
  const admin = kafka.admin();
  try {
    await admin.connect();
    const gateway = new KafkaGateway({ brokers, clientId: 'kclients-admin', logger });
    const { clients: all, missing } = clientsUnderTest(brokers, logger);
    const clients = all.filter((c) => !s.clients || s.clients.includes(c.name));
    for (const [name, why] of Object.entries(missing)) say(`${name}: skipped: ${why}`);
    for (const c of clients) say(`${c.name}: ${c.version}`);
    const warmupTopic = `kclients.warmup.${randomUUID().slice(0, 8)}`;
    await createTopic(gateway, admin, warmupTopic);
    const machine = machineFacts({ kafka: KAFKA_VERSION, smoke: s.smoke });
    const records = hubLikeRecords(s.records);
    const bytes = records.reduce((sum, r) => sum + Buffer.byteLength(r.value), 0);
    say(`records: ${records.length}, value ${Math.round(bytes / records.length)} B on average`);

    const runs: RunResult[] = [];
    for (let repeat = 1; repeat <= s.repeats; repeat++) {
      // Interleaved, and the order rotates so no client always runs first (JIT, page cache).
      const offset = (repeat - 1) % Math.max(clients.length, 1);
      const order = [...clients.slice(offset), ...clients.slice(0, offset)];
      for (const [i, client] of order.entries()) {
        const run = await runOnce(client, repeat, i + 1, records, s, gateway, admin, warmupTopic);
        runs.push(run);
        say(
          `  #${repeat} ${client.name.padEnd(12)} produce ${run.produce.recordsPerSecond} rec/s ` +
            `(${run.produce.cpuMicrosPerRecord} µs CPU/rec), consume ` +
            `${run.consume.recordsPerSecond} rec/s (${run.consume.cpuMicrosPerRecord} µs CPU/rec, ` +
            `join ${run.consume.joinSeconds} s, ${run.consume.batches} batches)`,
        );
      }
    }
    if (s.smoke) {
      say(`smoke: every client round-tripped ${s.records} records intact`);
    }
    const summary = summarise(
      runs,
      clients.map((c) => c.name),
    );
    const result = {
      machine: {
        ...machine,
        durationSeconds: Math.round((performance.now() - started) / 1000),
        loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
      },
      settings: {
        records: s.records,
        repeats: s.repeats,
        batch: s.batch,
        partitions: PARTITIONS,
        partitionsConcurrently: PARTITIONS_CONCURRENTLY,
        valueBytesAverage: Math.round(bytes / records.length),
        acks: 'all',
        idempotent: true,
      },
      clients: Object.fromEntries(clients.map((c) => [c.name, c.version])),
      missing,
      summary,
      runs,
    };
    mkdirSync(dirname(s.output), { recursive: true });
    writeFileSync(s.output, `${JSON.stringify(result, null, 2)}\n`);
    say('');
    say(formatTable(summary));
    say('\nmedian (min–max) of the repeats; CPU is this process only (client and bench)');
    say(`written to ${s.output}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
    await stopBroker(options);
  }
}

main().catch((error: unknown) => {
  console.error(
    `kafka-clients: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exitCode = 1;
});
