// Physical limits measured with the tools PostgreSQL and Kafka ship (pgbench, pg_test_fsync,
// Kafka's ProducerPerformance and ConsumerPerformance), reported beside the hub's figures (issue
// 13): what the database, the disk and the broker manage with nothing of the hub in the way.
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { javaBin, kafkaClasspath } from '../lib/kafka-broker';

/** What pgbench measured: committed transactions per second and their mean latency. */
export interface PgbenchResult {
  /** Transactions per second, without the time to open the connections. */
  tps: number;
  latencyMsAvg: number;
  clients: number;
  /** The command line run (no password: pgbench takes it from `PGPASSWORD`). */
  command: string;
}

/** One method of pg_test_fsync's "one 8kB write" comparison. */
export interface FsyncMethodResult {
  /** A `wal_sync_method` value: open_datasync, fdatasync, fsync, fsync_writethrough, open_sync. */
  method: string;
  opsPerSecond: number;
}

/**
 * The methods the disk supports, fastest first or not: in pg_test_fsync's order. `command` is an
 * array property, so `JSON.stringify` drops it: copy it out to record it.
 */
export type FsyncResults = FsyncMethodResult[] & { command: string };

/** Kafka's ProducerPerformance summary (its "MB" are MiB, 1,048,576 bytes). */
export interface ProducerPerfResult {
  records: number;
  recordsPerSecond: number;
  mbPerSecond: number;
  /** Send to acknowledgement; with `--throughput -1` mostly time queued in the producer. */
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  command: string;
}

/** Kafka's ConsumerPerformance summary (its "MB" are MiB, 1,048,576 bytes). */
export interface ConsumerPerfResult {
  records: number;
  megabytes: number;
  /** Records per second while fetching: joining the group is not reading. */
  recordsPerSecond: number;
  mbPerSecond: number;
  fetchSeconds: number;
  /** Joining the consumer group, before the first fetch. */
  rebalanceSeconds: number;
  /** Records per second from start to end, the group join included. */
  recordsPerSecondWithJoin: number;
  command: string;
}

/**
 * Sizes of the submit's values as the hub stores them, for the contract's victim repatriation
 * example (scripts/bench/fixtures.ts), as `rawPgTransactions` in references.ts writes them: the
 * content sealed (AES-GCM: the JSON plus 61 bytes), the signed event sealed, the CloudEvents
 * headers. limits.spec.ts checks them against a fresh sealing of the example.
 */
export const MINIMAL_SUBMIT_SIZES = {
  sealedContentBytes: 1267,
  sealedEventBytes: 1849,
} as const;

/** The CloudEvents headers of a submitted event (cloudEventHeaders), as the outbox stores them. */
export const MINIMAL_SUBMIT_HEADERS = {
  'content-type': 'application/cloudevents+json',
  ce_id: '00000000-0000-4000-8000-000000000000',
  ce_type: 'mrh.referral.submitted.v1',
  ce_source: '/parties/LA-BOKEO-POLICE',
} as const;

const PGBENCH_THREADS = 2;
const JAVA_FLAGS = ['-Xmx256m', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true'];
const KAFKA_TOOL_TIMEOUT_MS = 300_000;
// Kafka's tools log through log4j 1 (reload4j): warnings to stderr, stdout left to the results.
const LOG4J_PROPERTIES = [
  'log4j.rootLogger=WARN, stderr',
  'log4j.appender.stderr=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stderr.Target=System.err',
  'log4j.appender.stderr.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n',
  '',
].join('\n');

/**
 * The submit's minimal transaction as a pgbench script: BEGIN; the referral row; its outbox row;
 * COMMIT — the statements of `rawPgTransactions` (references.ts), four round trips. The sealed
 * values are random bytes chosen once, as sealed data is: repeated bytes would be compressed by
 * PostgreSQL (the outbox row passes the TOAST threshold) where real ciphertext is stored whole.
 */
export function minimalSubmitScript(
  sizes: { sealedContentBytes: number; sealedEventBytes: number } = MINIMAL_SUBMIT_SIZES,
): string {
  const content = randomBytes(sizes.sealedContentBytes).toString('hex');
  const event = randomBytes(sizes.sealedEventBytes).toString('hex');
  // pgbench turns every `:name` into a parameter, even inside literals: the JSON has none.
  const headers = JSON.stringify(MINIMAL_SUBMIT_HEADERS);
  return [
    'BEGIN;',
    `INSERT INTO referrals (id, type, status, priority, sender_party, receiver_party,
  sender_country, receiver_country, sender_reference, handling_code, origin, sealed_content,
  version, seq, created_by, submitted_at)
VALUES (gen_random_uuid(), 'VICTIM_REPATRIATION', 'SUBMITTED', 'URGENT', 'LA-BOKEO-POLICE',
  'VN-MPS', 'LA', 'VN', 'BK-2026-0417', 'H2', 'http', decode('${content}', 'hex'), 2, 1,
  'bench-officer', now())
RETURNING id AS referral_id \\gset`,
    `INSERT INTO outbox (event_id, topic, message_key, referral_id, referral_seq, sealed_value,
  headers)
VALUES (gen_random_uuid(), 'referral-hub.to.VN', :referral_id, :referral_id, 1,
  decode('${event}', 'hex'), '${headers}');`,
    'COMMIT;',
    '',
  ].join('\n');
}

/**
 * The database's limit for the submit path: pgbench runs the submit's minimal transaction
 * ({@link minimalSubmitScript}) from `clients` connections for `seconds`, extended query
 * protocol (as `pg` speaks), on a migrated hub schema at `url` (host, port, user, database;
 * a password goes through `PGPASSWORD`). Rows are left behind, as the hub's would be.
 */
export async function pgbenchMinimal(opts: {
  url: string;
  clients: number;
  seconds: number;
}): Promise<PgbenchResult> {
  const pgbench = await postgresTool('pgbench');
  const dir = mkdtempSync(join(tmpdir(), 'bench-limits-'));
  try {
    const script = join(dir, 'minimal-submit.sql');
    writeFileSync(script, minimalSubmitScript());
    const { args, password } = pgConnectionArgs(opts.url);
    const threads = Math.min(PGBENCH_THREADS, opts.clients);
    const argv = ['-n', '-M', 'extended', '-c', String(opts.clients), '-j', String(threads)];
    argv.push('-T', String(opts.seconds), '-f', script, ...args);
    const env = password === undefined ? process.env : { ...process.env, PGPASSWORD: password };
    const { stdout } = await runTool(pgbench, argv, {
      env,
      timeoutMs: opts.seconds * 1000 + 60_000,
    });
    return { ...parsePgbenchOutput(stdout), command: [pgbench, ...argv].join(' ') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** pgbench's connection options for a `postgres://user:password@host:port/database` URL. */
export function pgConnectionArgs(url: string): { args: string[]; password?: string } {
  const u = new URL(url);
  // `?host=` names a socket directory; an IPv6 address comes bracketed.
  const host =
    u.searchParams.get('host') ?? decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, '$1');
  const args: string[] = [];
  if (host !== '') args.push('-h', host);
  if (u.port !== '') args.push('-p', u.port);
  if (u.username !== '') args.push('-U', decodeURIComponent(u.username));
  const database = decodeURIComponent(u.pathname.slice(1));
  if (database !== '') args.push(database);
  return u.password === '' ? { args } : { args, password: decodeURIComponent(u.password) };
}

/**
 * Reads pgbench's summary: `tps = X (without initial connection time)` (PostgreSQL 14+; the
 * "excluding connections establishing" line of older versions is taken too), `latency average =
 * Y ms`, `number of clients: N`. Throws when the summary is missing (pgbench failed).
 */
export function parsePgbenchOutput(text: string): {
  tps: number;
  latencyMsAvg: number;
  clients: number;
} {
  const tps =
    /^tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/m.exec(
      text,
    );
  const latency = /^latency average = ([\d.]+) ms/m.exec(text);
  const clients = /^number of clients: (\d+)/m.exec(text);
  if (!tps?.[1] || !latency?.[1] || !clients?.[1]) {
    throw new Error(`pgbench printed no summary:\n${text.trim()}`);
  }
  return { tps: Number(tps[1]), latencyMsAvg: Number(latency[1]), clients: Number(clients[1]) };
}

/**
 * The disk's limit on WAL flushes: pg_test_fsync writes and syncs 8 kB for `seconds` per test
 * (it runs about sixteen tests) in `directory`, PostgreSQL's data directory (`SHOW
 * data_directory`), so it measures the disk the WAL is on. Returns the "one 8kB write" comparison,
 * which is what a commit's WAL flush costs with each `wal_sync_method`; with group commit,
 * concurrent commits share a flush, so commits per second may exceed it.
 */
export async function pgTestFsync(opts: {
  directory: string;
  seconds?: number;
}): Promise<FsyncResults> {
  const tool = await postgresTool('pg_test_fsync');
  const file = join(opts.directory, '.pg_test_fsync.tmp');
  const seconds = opts.seconds ?? 2;
  const argv = ['-s', String(seconds), '-f', file];
  try {
    const { stdout } = await runTool(tool, argv, { timeoutMs: seconds * 30_000 + 60_000 });
    return Object.assign(parsePgTestFsync(stdout), { command: [tool, ...argv].join(' ') });
  } finally {
    // pg_test_fsync unlinks its file when it finishes; not when it is killed or fails half-way.
    rmSync(file, { force: true });
  }
}

/**
 * Reads the "Compare file sync methods using one 8kB write" section of pg_test_fsync's output:
 * each method's ops/sec; methods the platform lacks ("n/a", "n/a*") are left out.
 */
export function parsePgTestFsync(text: string): FsyncMethodResult[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) =>
    l.startsWith('Compare file sync methods using one 8kB write'),
  );
  if (start < 0) throw new Error(`pg_test_fsync printed no one-8kB-write comparison:\n${text}`);
  const results: FsyncMethodResult[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    const match = /^\s+(\w+)\s+([\d.]+) ops\/sec/.exec(line);
    if (match?.[1] && match[2]) results.push({ method: match[1], opsPerSecond: Number(match[2]) });
  }
  return results;
}

/**
 * The flushes per second of the method PostgreSQL uses (`SHOW wal_sync_method`), or undefined
 * when pg_test_fsync could not measure it on this platform.
 */
export function fsyncLimitFor(
  results: readonly FsyncMethodResult[],
  walSyncMethod: string,
): number | undefined {
  return results.find((r) => r.method === walSyncMethod.trim())?.opsPerSecond;
}

/**
 * The broker's limit for the relay: Kafka's ProducerPerformance sends `records` records of
 * `recordSize` random bytes to `topic` (which must exist) as fast as it can, with the hub's
 * producer settings (`acks=all`, idempotent), and reports its summary.
 */
export async function kafkaProducerPerf(opts: {
  brokers: string;
  topic: string;
  records: number;
  recordSize: number;
}): Promise<ProducerPerfResult> {
  const args = ['--topic', opts.topic, '--num-records', String(opts.records)];
  args.push('--record-size', String(opts.recordSize), '--throughput', '-1');
  args.push('--producer-props', `bootstrap.servers=${opts.brokers}`, 'acks=all');
  args.push('enable.idempotence=true');
  const { stdout, stderr, command } = await runKafkaTool(
    'org.apache.kafka.tools.ProducerPerformance',
    args,
  );
  // The tool prints a failed send's stack trace and counts the record as sent all the same.
  const failure = /^\S+Exception\b.*$/m.exec(stderr);
  if (failure) throw new Error(`ProducerPerformance: a send failed: ${failure[0]}`);
  return { ...parseProducerPerformance(stdout), command };
}

/**
 * Reads ProducerPerformance's final line: `N records sent, R records/sec (M MB/sec), A ms avg
 * latency, X ms max latency, P ms 50th, P ms 95th, P ms 99th, P ms 99.9th.` (the lines printed
 * while it runs have no percentiles).
 */
export function parseProducerPerformance(text: string): Omit<ProducerPerfResult, 'command'> {
  const summary =
    /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$/gm;
  const last = [...text.matchAll(summary)].pop();
  if (!last) throw new Error(`ProducerPerformance printed no summary:\n${text.trim()}`);
  const [records, rate, mb, avg, max, p50, p95, p99, p999] = last.slice(1).map(Number);
  return {
    records: records ?? NaN,
    recordsPerSecond: rate ?? NaN,
    mbPerSecond: mb ?? NaN,
    avgLatencyMs: avg ?? NaN,
    maxLatencyMs: max ?? NaN,
    p50Ms: p50 ?? NaN,
    p95Ms: p95 ?? NaN,
    p99Ms: p99 ?? NaN,
    p999Ms: p999 ?? NaN,
  };
}

/**
 * The broker's limit for the inbound side: Kafka's ConsumerPerformance reads `records` records
 * of `topic` from its beginning, in a new consumer group, and reports its rates. Throws when the
 * topic held fewer records (the tool gives up after 10 s without one).
 */
export async function kafkaConsumerPerf(opts: {
  brokers: string;
  topic: string;
  records: number;
}): Promise<ConsumerPerfResult> {
  const args = ['--bootstrap-server', opts.brokers, '--topic', opts.topic];
  args.push('--messages', String(opts.records), '--group', `bench-consumer-perf-${randomUUID()}`);
  const { stdout, command } = await runKafkaTool(
    'org.apache.kafka.tools.ConsumerPerformance',
    args,
  );
  const result = parseConsumerPerformance(stdout);
  if (result.records < opts.records) {
    throw new Error(`ConsumerPerformance read ${result.records} of ${opts.records} records`);
  }
  return { ...result, command };
}

/**
 * Reads ConsumerPerformance's CSV summary (a header line naming `start.time`, then the values,
 * maybe with a WARNING line between) by the header's names, not positions: `data.consumed.in.MB`,
 * `data.consumed.in.nMsg`, `nMsg.sec`, `rebalance.time.ms`, `fetch.time.ms`, `fetch.MB.sec`,
 * `fetch.nMsg.sec`.
 */
export function parseConsumerPerformance(text: string): Omit<ConsumerPerfResult, 'command'> {
  const rows = text.split('\n').map((l) => l.split(',').map((v) => v.trim()));
  const headerAt = rows.findIndex((fields) => fields.includes('start.time'));
  const names = rows[headerAt] ?? [];
  const row = rows.slice(headerAt + 1).find((values) => values.length === names.length);
  if (headerAt < 0 || !row) {
    throw new Error(`ConsumerPerformance printed no summary:\n${text.trim()}`);
  }
  const value = (name: string): number => {
    const v = Number(row[names.indexOf(name)]);
    if (!names.includes(name) || !Number.isFinite(v)) {
      throw new Error(`ConsumerPerformance: no number in column ${name}:\n${text.trim()}`);
    }
    return v;
  };
  return {
    records: value('data.consumed.in.nMsg'),
    megabytes: value('data.consumed.in.MB'),
    recordsPerSecond: value('fetch.nMsg.sec'),
    mbPerSecond: value('fetch.MB.sec'),
    fetchSeconds: value('fetch.time.ms') / 1000,
    rebalanceSeconds: value('rebalance.time.ms') / 1000,
    recordsPerSecondWithJoin: value('nMsg.sec'),
  };
}

/** Runs one of Kafka's tools from the broker's jars in a small JVM, quiet but for warnings. */
async function runKafkaTool(
  mainClass: string,
  args: string[],
): Promise<{ stdout: string; stderr: string; command: string }> {
  const classpath = await kafkaClasspath();
  const dir = mkdtempSync(join(tmpdir(), 'bench-limits-'));
  try {
    const log4j = join(dir, 'log4j.properties');
    writeFileSync(log4j, LOG4J_PROPERTIES);
    const argv = [...JAVA_FLAGS, `-Dlog4j.configuration=file:${log4j}`, '-cp', classpath];
    argv.push(mainClass, ...args);
    const out = await runTool(javaBin(), argv, { timeoutMs: KAFKA_TOOL_TIMEOUT_MS });
    const command = [javaBin(), ...JAVA_FLAGS, '-cp', classpath, mainClass, ...args].join(' ');
    return { ...out, command };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The path of one of PostgreSQL's programs: in `pg_config --bindir` when pg_config is on PATH,
 * else in the newest /usr/lib/postgresql/<version>/bin that has it (Debian's layout).
 */
async function postgresTool(name: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('pg_config', ['--bindir']);
    const candidate = join(stdout.trim(), name);
    if (existsSync(candidate)) return candidate;
  } catch {
    // No pg_config on PATH: fall back to Debian's layout.
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root) : [];
  const found = versions
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin', name))
    .find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(`${name} not found: neither pg_config --bindir nor ${root}/*/bin has it`);
  }
  return found;
}

/**
 * Runs `cmd` to its end without a shell, collecting its output; throws with the output's end
 * when it exits non-zero or outlives `timeoutMs` (then it is killed, it alone).
 */
function runTool(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) {
        resolve({ stdout, stderr });
        return;
      }
      const why = signal
        ? `was killed (${signal}; time limit ${opts.timeoutMs} ms)`
        : `exited ${code}`;
      const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-20).join('\n');
      reject(new Error(`${cmd} ${why}:\n${tail}`));
    });
  });
}
