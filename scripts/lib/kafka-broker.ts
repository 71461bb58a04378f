// A throwaway single-node Kafka (KRaft, broker+controller in one JVM) for local development and
// tests, assembled from Maven Central jars so that neither Docker nor a Kafka tarball is needed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';

// Single source of truth for the broker version; the pom only carries a fallback.
export const KAFKA_VERSION = process.env.KAFKA_VERSION ?? '3.9.2';

export interface BrokerOptions {
  host: string;
  port: number;
  controllerPort: number;
  cacheDir: string;
  /**
   * A second broker's own state (data, logs, pid) under `cacheDir/<instance>`, sharing the
   * downloaded jars; the benchmark uses one so its records never reach the tests' broker.
   */
  instance?: string;
  log?: (line: string) => void;
}

export interface StartResult {
  reused: boolean;
  pid?: number;
  readyMs: number;
}

export interface BrokerStatus {
  pid?: number;
  running: boolean;
  answers: boolean;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const POM_PATH = path.join(REPO_ROOT, 'scripts', 'kafka', 'pom.xml');

const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 45_000;
const POLL_MS = 250;
const LOG_TAIL_LINES = 30;

const JVM_FLAGS = [
  '-Xms128m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  // C1 only: the broker is short-lived here, so fast startup beats peak throughput.
  '-XX:TieredStopAtLevel=1',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

/**
 * The local broker listens where `KAFKA_BROKERS` (first entry) says, 127.0.0.1:9092 by default, and
 * its controller on the next port; so a second checkout can run its own broker beside the first.
 */
export function defaultBrokerOptions(): BrokerOptions {
  const first = (process.env.KAFKA_BROKERS ?? '').split(',')[0]?.trim() ?? '';
  const match = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(first);
  const host = match?.[1] ?? '127.0.0.1';
  const port = match?.[2] ? Number(match[2]) : 9092;
  return {
    host,
    port,
    controllerPort: port + 1,
    cacheDir: path.join(REPO_ROOT, '.cache', 'kafka'),
  };
}

function say(opts: BrokerOptions, line: string): void {
  // Progress goes to stderr by default so stdout stays a clean one-line result for callers.
  (opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
}

function versionDir(opts: BrokerOptions): string {
  // The version ends up in filesystem paths, so refuse anything that could escape the cache.
  if (!/^[0-9A-Za-z][0-9A-Za-z._-]*$/.test(KAFKA_VERSION)) {
    throw new Error(`KAFKA_VERSION '${KAFKA_VERSION}' is not a plain version string`);
  }
  return path.join(opts.cacheDir, KAFKA_VERSION);
}

function paths(opts: BrokerOptions) {
  if (opts.instance !== undefined && !/^[a-z0-9-]{1,40}$/.test(opts.instance)) {
    throw new Error(`broker instance '${opts.instance}' is not a plain name`);
  }
  const stateDir = opts.instance ? path.join(opts.cacheDir, opts.instance) : opts.cacheDir;
  const logsDir = path.join(stateDir, 'logs');
  return {
    stateDir,
    libs: path.join(versionDir(opts), 'libs'),
    props: path.join(stateDir, 'server.properties'),
    log4j: path.join(stateDir, 'log4j.properties'),
    dataDir: path.join(stateDir, 'data'),
    pidFile: path.join(stateDir, 'broker.pid'),
    logsDir,
    serverLog: path.join(logsDir, 'server.log'),
    brokerOut: path.join(logsDir, 'broker.out'),
  };
}

function javaBin(): string {
  // Honour JAVA_HOME so a machine with several JDKs uses the one the developer chose.
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function classpath(libs: string): string {
  // Passed as one argv entry without a shell, so the JVM (not a shell) expands the wildcard.
  return `${libs}${path.sep}*`;
}

// Maven 3.8 still emits colour resets in batch mode; they only garble error messages.
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPES = /\u001b\[[0-9;]*m/g;

function run(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT' ? new Error(`'${cmd}' not found on PATH (needed for Kafka)`) : err,
      );
    });
    child.on('close', (code) => {
      const output = Buffer.concat(chunks).toString('utf8').replace(ANSI_ESCAPES, '').trim();
      resolve({ code: code ?? 1, output });
    });
  });
}

export async function ensureKafkaJars(opts: BrokerOptions): Promise<string> {
  const dir = versionDir(opts);
  const libs = path.join(dir, 'libs');
  const marker = path.join(dir, '.complete');
  if (existsSync(marker)) return libs;

  mkdirSync(dir, { recursive: true });
  // Download beside the final location (same filesystem) so the rename below is atomic and an
  // interrupted fetch only ever leaves a tmp dir behind, never a half-filled libs dir.
  const tmp = path.join(dir, `.libs-tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });

  say(opts, `kafka: fetching Apache Kafka ${KAFKA_VERSION} broker jars from Maven Central…`);
  const { code, output } = await run('mvn', [
    '-B',
    '-q',
    '-Dstyle.color=never',
    '-f',
    POM_PATH,
    'dependency:copy-dependencies',
    `-Dkafka.version=${KAFKA_VERSION}`,
    '-DincludeScope=runtime',
    `-DoutputDirectory=${tmp}`,
  ]);
  if (code !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`mvn could not fetch Kafka ${KAFKA_VERSION} jars (exit ${code}):\n${output}`);
  }

  // A libs dir without the marker is a leftover from a crash between rename and marker write.
  rmSync(libs, { recursive: true, force: true });
  try {
    renameSync(tmp, libs);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    // Another process may have won the race; its complete copy is just as good.
    if (!existsSync(marker)) throw err;
    return libs;
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return libs;
}

export async function brokerAnswers(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'kafka-broker-probe',
    brokers: [`${host}:${port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
  try {
    // An open TCP port proves nothing; only a metadata round trip shows Kafka is serving.
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function portAcceptsTcp(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: another user's process, so certainly not a broker we started.
    return false;
  }
  try {
    // A zombie still answers kill(0); treat it as gone. /proc is Linux-only, hence the catch.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
    return state !== 'Z';
  } catch {
    return true;
  }
}

function isOurBroker(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    // Guards against pid reuse: never signal a process that is not a Kafka JVM.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka');
  } catch {
    return true;
  }
}

function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function tailFile(file: string, fromByte: number, lines: number): string {
  try {
    const size = statSync(file).size;
    const start = Math.max(fromByte, size - 64 * 1024);
    if (size <= start) return '';
    const buf = Buffer.alloc(size - start);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buf, 0, buf.length, start);
    } finally {
      closeSync(fd);
    }
    return buf.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function serverProperties(opts: BrokerOptions, dataDir: string): string {
  const { host, port, controllerPort } = opts;
  return [
    '# Generated by scripts/lib/kafka-broker.ts on every start; edits are overwritten.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${controllerPort}`,
    'controller.listener.names=CONTROLLER',
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    // Single node: anything above 1 would leave internal topics unable to accept writes.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'num.partitions=1',
    // Tests join consumer groups constantly; the default 3 s delay would dominate their runtime.
    'group.initial.rebalance.delay.ms=0',
    // The hub declares its own topics; auto-creation would hide a missing declaration.
    'auto.create.topics.enable=false',
    // Dev data is disposable: keep the cache directory from growing without bound.
    'log.retention.hours=24',
    'log.segment.bytes=67108864',
    '',
  ].join('\n');
}

const LOG4J_PROPERTIES = [
  '# Generated by scripts/lib/kafka-broker.ts on every start; edits are overwritten.',
  'log4j.rootLogger=INFO, file',
  'log4j.appender.file=org.apache.log4j.RollingFileAppender',
  'log4j.appender.file.File=${kafka.logs.dir}/server.log',
  'log4j.appender.file.MaxFileSize=10MB',
  'log4j.appender.file.MaxBackupIndex=2',
  'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
  // Per-request and per-partition chatter buries the lines that explain a failed start.
  'log4j.logger.kafka.request.logger=WARN',
  'log4j.logger.state.change.logger=WARN',
  'log4j.logger.kafka.log.LogCleaner=WARN',
  'log4j.logger.org.apache.kafka.storage.internals.log=WARN',
  'log4j.logger.org.apache.zookeeper=WARN',
  '',
].join('\n');

function newClusterId(): string {
  // Same shape as Kafka's Uuid.randomUuid(): 16 random bytes, base64url without padding. A
  // leading '-' would be parsed as a CLI flag by StorageTool, so Kafka avoids it and so do we.
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function waitUntilReady(
  opts: BrokerOptions,
  pid: number,
  exited: () => boolean,
  deadline: number,
): Promise<boolean> {
  while (performance.now() < deadline) {
    if (exited() || !isAlive(pid)) return false;
    if (await brokerAnswers(opts.host, opts.port, 1_000)) return true;
    await sleep(POLL_MS);
  }
  return false;
}

export async function startBroker(opts: BrokerOptions): Promise<StartResult> {
  const p = paths(opts);
  const existingPid = readPid(p.pidFile);
  const ours = existingPid !== undefined && isOurBroker(existingPid);

  if (await brokerAnswers(opts.host, opts.port, 2_000)) {
    return ours ? { reused: true, pid: existingPid, readyMs: 0 } : { reused: true, readyMs: 0 };
  }

  if (ours) {
    // Our broker from an earlier `up` is still booting; a second JVM would only fail on the
    // log.dirs lock, so wait for the first one instead.
    const t0 = performance.now();
    if (await waitUntilReady(opts, existingPid, () => false, t0 + READY_TIMEOUT_MS)) {
      return { reused: true, pid: existingPid, readyMs: Math.round(performance.now() - t0) };
    }
    throw new Error(
      `kafka: broker pid ${existingPid} is running but not answering on ` +
        `${opts.host}:${opts.port}; run 'down' and retry. See ${p.serverLog}`,
    );
  }
  // Stale: the pid it names has exited or now belongs to something other than Kafka.
  if (existingPid !== undefined) rmSync(p.pidFile, { force: true });

  for (const port of [opts.port, opts.controllerPort]) {
    if (await portAcceptsTcp(opts.host, port, 1_000)) {
      throw new Error(
        `kafka: ${opts.host}:${port} is already in use by something that is not a Kafka broker ` +
          `we can talk to; free the port or choose another one`,
      );
    }
  }

  const libs = await ensureKafkaJars(opts);
  mkdirSync(p.logsDir, { recursive: true });
  mkdirSync(p.dataDir, { recursive: true });
  writeFileSync(p.props, serverProperties(opts, p.dataDir));
  writeFileSync(p.log4j, LOG4J_PROPERTIES);

  const logFlags = [`-Dlog4j.configuration=file:${p.log4j}`, `-Dkafka.logs.dir=${p.logsDir}`];

  if (!existsSync(path.join(p.dataDir, 'meta.properties'))) {
    const { code, output } = await run(javaBin(), [
      ...logFlags,
      '-cp',
      classpath(libs),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      newClusterId(),
      '-c',
      p.props,
      '--ignore-formatted',
    ]);
    if (code !== 0) {
      throw new Error(`kafka: formatting ${p.dataDir} failed (exit ${code}):\n${output}`);
    }
  }

  // Only this run's output matters when explaining a failure; server.log is appended to.
  const serverLogOffset = fileSize(p.serverLog);
  const out = openSync(p.brokerOut, 'w');
  const t0 = performance.now();
  // Own process group and unref'd: the broker must outlive the `up` command that started it.
  const child = spawn(
    javaBin(),
    [...JVM_FLAGS, ...logFlags, '-cp', classpath(libs), 'kafka.Kafka', p.props],
    { cwd: p.stateDir, detached: true, stdio: ['ignore', out, out] },
  );
  // The child holds its own copy of the descriptor.
  closeSync(out);
  let exitCode: number | null | undefined;
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  child.once('exit', (code, signal) => {
    exitCode = code ?? (signal ? -1 : null);
  });
  child.unref();

  const pid = child.pid;
  if (pid === undefined) {
    throw await spawnError;
  }
  writeFileSync(p.pidFile, `${pid}\n`);

  const ready = await waitUntilReady(
    opts,
    pid,
    () => exitCode !== undefined,
    t0 + READY_TIMEOUT_MS,
  );
  if (ready) {
    return { reused: false, pid, readyMs: Math.round(performance.now() - t0) };
  }

  const why =
    exitCode !== undefined
      ? `the JVM exited (code ${exitCode}) before answering`
      : `no metadata answer within ${READY_TIMEOUT_MS / 1000} s`;
  await stopBroker(opts);
  const logs = [
    `--- ${p.serverLog} ---`,
    tailFile(p.serverLog, serverLogOffset, LOG_TAIL_LINES),
    `--- ${p.brokerOut} ---`,
    tailFile(p.brokerOut, 0, LOG_TAIL_LINES),
  ].join('\n');
  throw new Error(`kafka: broker on ${opts.host}:${opts.port} did not start: ${why}\n${logs}`);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // The broker may exit between our liveness check and the signal; that is the goal anyway.
  }
}

export async function stopBroker(opts: BrokerOptions): Promise<{ stopped: boolean }> {
  const { pidFile } = paths(opts);
  const pid = readPid(pidFile);
  // No pid file means we did not start whatever may be listening; leave it alone.
  if (pid === undefined) return { stopped: false };
  if (!isOurBroker(pid)) {
    rmSync(pidFile, { force: true });
    return { stopped: false };
  }

  // SIGTERM lets Kafka do a controlled shutdown, so the next start skips log recovery.
  signal(pid, 'SIGTERM');
  const deadline = performance.now() + STOP_GRACE_MS;
  while (isAlive(pid) && performance.now() < deadline) await sleep(POLL_MS);
  if (isAlive(pid)) {
    signal(pid, 'SIGKILL');
    const killDeadline = performance.now() + 5_000;
    while (isAlive(pid) && performance.now() < killDeadline) await sleep(100);
  }
  rmSync(pidFile, { force: true });
  return { stopped: true };
}

export async function brokerStatus(opts: BrokerOptions): Promise<BrokerStatus> {
  const pid = readPid(paths(opts).pidFile);
  const running = pid !== undefined && isOurBroker(pid);
  const answers = await brokerAnswers(opts.host, opts.port, 2_000);
  return running ? { pid, running, answers } : { running, answers };
}
