// A throwaway single-node Kafka (KRaft, broker+controller in one JVM) for local development and
// tests, assembled from Maven Central jars so that neither Docker nor a Kafka tarball is needed.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { tlsErrorCode } from '../../src/kafka/kafka-tls';
import {
  KAFKA_SECURITY_MODES,
  SCRAM_MECHANISM,
  saslOf,
  syncAcls,
  tlsListenerPorts,
  type BrokerSecurity,
  type KafkaSecurityMode,
} from './kafka-security';

// Single source of truth for the broker version; the pom only carries a fallback.
export const KAFKA_VERSION = process.env.KAFKA_VERSION ?? '3.9.2';

export interface BrokerOptions {
  host: string;
  port: number;
  controllerPort: number;
  cacheDir: string;
  /** The mode wanted, with its users and ACLs. */
  security: BrokerSecurity;
  /**
   * What to do when the broker this checkout started runs in another mode (or with other SCRAM
   * users): `restart` it in the wanted mode, or `refuse` with an error that says what to do.
   */
  onOtherMode: 'restart' | 'refuse';
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
  /** ACLs created and deleted to match the wanted ones (`scram` mode). */
  acls?: { created: number; deleted: number };
}

/**
 * What is listening on the broker's port, as far as a client can tell; `-other-credentials`: a
 * broker of that mode that refuses our SCRAM login (or, in tls mode, whose certificate our
 * development CA did not sign).
 */
export type ListenerMode = KafkaSecurityMode | 'scram-other-credentials' | 'tls-other-credentials';

export interface BrokerStatus {
  pid?: number;
  running: boolean;
  /** The mode of the broker this checkout started, as recorded when it started. */
  recordedMode?: KafkaSecurityMode;
  /** What answers on the port, whoever started it (undefined: nothing answers). */
  listening?: ListenerMode;
}

/** A broker of another mode than the one asked for is in the way; the message says what to do. */
export class BrokerModeError extends Error {
  override readonly name = 'BrokerModeError';
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
export function defaultBrokerOptions(
  security: BrokerSecurity = { mode: 'plaintext' },
  onOtherMode: BrokerOptions['onOtherMode'] = 'restart',
): BrokerOptions {
  const first = (process.env.KAFKA_BROKERS ?? '').split(',')[0]?.trim() ?? '';
  const match = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(first);
  const host = match?.[1] ?? '127.0.0.1';
  const port = match?.[2] ? Number(match[2]) : 9092;
  return {
    host,
    port,
    controllerPort: port + 1,
    cacheDir: path.join(REPO_ROOT, '.cache', 'kafka'),
    security,
    onOtherMode,
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
  // One data directory per mode: storage formatted without SCRAM users cannot serve the scram
  // mode, and switching back and forth must not wipe the other mode's topics and offsets.
  const dataDir = path.join(
    stateDir,
    opts.security.mode === 'plaintext' ? 'data' : `data-${opts.security.mode}`,
  );
  return {
    stateDir,
    libs: path.join(versionDir(opts), 'libs'),
    props: path.join(stateDir, 'server.properties'),
    log4j: path.join(stateDir, 'log4j.properties'),
    dataDir,
    /** Fingerprint of the SCRAM users `dataDir` was formatted with. */
    usersFile: `${dataDir}.users`,
    pidFile: path.join(stateDir, 'broker.pid'),
    /** The mode (and SCRAM users' fingerprint) of the broker `pidFile` names. */
    modeFile: path.join(stateDir, 'broker.mode'),
    logsDir,
    serverLog: path.join(logsDir, 'server.log'),
    brokerOut: path.join(logsDir, 'broker.out'),
  };
}

/** The `java` to run Kafka with: `$JAVA_HOME/bin/java`, else the one on PATH. */
export function javaBin(): string {
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

/**
 * The fingerprint of scripts/kafka/pom.xml, kept in the jars' completion marker: a cache fetched
 * for an older pom (one without an artifact added since) is topped up rather than trusted.
 */
function pomFingerprint(): string {
  return createHash('sha256').update(readFileSync(POM_PATH)).digest('hex');
}

function readMarker(marker: string): string | undefined {
  try {
    return readFileSync(marker, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Copies the pom's runtime jars into `into` with Maven (from Maven Central or ~/.m2). */
async function fetchJars(opts: BrokerOptions, into: string, what: string): Promise<void> {
  say(opts, `kafka: fetching Apache Kafka ${KAFKA_VERSION} ${what} from Maven Central…`);
  const { code, output } = await run('mvn', [
    '-B',
    '-q',
    '-Dstyle.color=never',
    '-f',
    POM_PATH,
    'dependency:copy-dependencies',
    `-Dkafka.version=${KAFKA_VERSION}`,
    '-DincludeScope=runtime',
    `-DoutputDirectory=${into}`,
  ]);
  if (code !== 0) {
    rmSync(into, { recursive: true, force: true });
    throw new Error(`mvn could not fetch Kafka ${KAFKA_VERSION} jars (exit ${code}):\n${output}`);
  }
}

/**
 * The directory of the broker's jars (and Kafka's tools), fetched with Maven when missing or
 * fetched for an older pom. A top-up only adds jars, one atomic rename each, so a broker running
 * from the directory is undisturbed.
 */
export async function ensureKafkaJars(opts: BrokerOptions): Promise<string> {
  const dir = versionDir(opts);
  const libs = path.join(dir, 'libs');
  const marker = path.join(dir, '.complete');
  const fingerprint = pomFingerprint();
  const fetchedFor = readMarker(marker);
  if (fetchedFor === fingerprint) return libs;

  mkdirSync(dir, { recursive: true });
  // Download beside the final location (same filesystem) so the rename below is atomic and an
  // interrupted fetch only ever leaves a tmp dir behind, never a half-filled libs dir.
  const tmp = path.join(dir, `.libs-tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });

  if (fetchedFor !== undefined && existsSync(libs)) {
    await fetchJars(opts, tmp, 'jars added to scripts/kafka/pom.xml');
    const present = new Set(readdirSync(libs));
    for (const jar of readdirSync(tmp)) {
      if (!present.has(jar)) renameSync(path.join(tmp, jar), path.join(libs, jar));
    }
    rmSync(tmp, { recursive: true, force: true });
    writeFileSync(marker, `${fingerprint}\n`);
    return libs;
  }

  await fetchJars(opts, tmp, 'broker jars');
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
  writeFileSync(marker, `${fingerprint}\n`);
  return libs;
}

/**
 * The Java classpath of the fetched Kafka jars (broker and tools, fetched first when missing), for
 * running Kafka's own command-line tools, such as its perf tools, with {@link javaBin}.
 */
export async function kafkaClasspath(
  opts: BrokerOptions = defaultBrokerOptions(),
): Promise<string> {
  return classpath(await ensureKafkaJars(opts));
}

/**
 * How one probe went: the broker served metadata, refused our credentials (or showed a
 * certificate our CA did not sign), or said nothing.
 */
type ProbeResult = 'answers' | 'bad-credentials' | 'silent';

/** How a client logs in: SASL and TLS settings in kafkajs's spelling. */
type ClientSecurity = Pick<KafkaConfig, 'sasl' | 'ssl'>;

async function probe(
  host: string,
  port: number,
  timeoutMs: number,
  login: ClientSecurity,
): Promise<ProbeResult> {
  const admin = new Kafka({
    clientId: 'kafka-broker-probe',
    brokers: [`${host}:${port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    ...login,
  }).admin();
  try {
    // An open TCP port proves nothing; only a metadata round trip shows Kafka is serving.
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 ? 'answers' : 'silent';
  } catch (error) {
    return (error as Error).name === 'KafkaJSSASLAuthenticationError' ||
      tlsErrorCode(error) !== undefined
      ? 'bad-credentials'
      : 'silent';
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * How the scripts' admin client logs in to the port `KAFKA_BROKERS` names in `security`'s mode:
 * nothing in plaintext, SCRAM in scram mode, SCRAM over TLS trusting the development CA in tls
 * mode.
 */
function adminLogin(security: BrokerSecurity): ClientSecurity {
  switch (security.mode) {
    case 'plaintext':
      return {};
    case 'scram':
      return { sasl: saslOf(security.admin) };
    case 'tls':
      return {
        sasl: saslOf(security.admin),
        ssl: { ca: [readFileSync(security.tls.caFile, 'utf8')] },
      };
  }
}

/** True when the broker answers a metadata request, logging in as `security` says. */
export async function brokerAnswers(
  host: string,
  port: number,
  timeoutMs: number,
  security: BrokerSecurity = { mode: 'plaintext' },
): Promise<boolean> {
  return (await probe(host, port, timeoutMs, adminLogin(security))) === 'answers';
}

/**
 * What serves on `host:port`: a plaintext listener answers a client without SASL; a SASL
 * listener closes on it, and answers (our SCRAM users) or refuses (someone else's) a SCRAM login;
 * a TLS listener closes on both, and answers SCRAM over TLS (trusting our CA) or shows a
 * certificate our CA did not sign.
 */
export async function listenerMode(
  host: string,
  port: number,
  timeoutMs: number,
  security: BrokerSecurity,
): Promise<ListenerMode | undefined> {
  if ((await probe(host, port, timeoutMs, {})) === 'answers') return 'plaintext';
  // Without users of our own, any login will do to tell a SCRAM listener from no broker.
  const ours = adminLogin(security);
  const sasl = ours.sasl ?? saslOf({ name: 'probe', password: 'probe' });
  switch (await probe(host, port, timeoutMs, { sasl })) {
    case 'answers':
      return 'scram';
    case 'bad-credentials':
      return security.mode === 'scram' ? 'scram-other-credentials' : 'scram';
    case 'silent':
      break;
  }
  // Without our CA, Node's own trust store: a development broker's certificate fails it, which
  // still shows a TLS listener is there.
  switch (await probe(host, port, timeoutMs, { sasl, ssl: ours.ssl ?? true })) {
    case 'answers':
      return 'tls';
    case 'bad-credentials':
      return security.mode === 'tls' ? 'tls-other-credentials' : 'tls';
    case 'silent':
      return undefined;
  }
}

/** Whether `host:port` accepts a TCP connection within `timeoutMs`. */
export function portAcceptsTcp(host: string, port: number, timeoutMs: number): Promise<boolean> {
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

export function isAlive(pid: number): boolean {
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

export function isOurBroker(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    // Guards against pid reuse: never signal a process that is not a Kafka JVM.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka');
  } catch {
    return true;
  }
}

export function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function tailFile(file: string, fromByte: number, lines: number): string {
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

export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The listener lines of `security`'s mode. */
function listenerProperties(
  opts: Pick<BrokerOptions, 'host' | 'port' | 'controllerPort'>,
  security: BrokerSecurity,
): string[] {
  const { host, port, controllerPort } = opts;
  switch (security.mode) {
    case 'plaintext':
      return [
        `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
        `advertised.listeners=PLAINTEXT://${host}:${port}`,
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'inter.broker.listener.name=PLAINTEXT',
      ];
    case 'tls':
      return tlsListenerProperties(opts, security);
    case 'scram':
      return [
        `listeners=SASL_PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
        `advertised.listeners=SASL_PLAINTEXT://${host}:${port}`,
        'listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
        ...securedProperties(security.admin, ['SASL_PLAINTEXT']),
      ];
  }
}

/**
 * What scram and tls modes share: SCRAM on the SASL listeners named (the broker's own traffic on
 * the first), an authenticated controller listener, and deny-by-default ACLs with the admin as
 * super user.
 */
function securedProperties(
  admin: { name: string; password: string },
  saslListeners: readonly [string, ...string[]],
): string[] {
  const { name, password } = admin;
  return [
    `inter.broker.listener.name=${saslListeners[0]}`,
    `sasl.enabled.mechanisms=${SCRAM_MECHANISM}`,
    `sasl.mechanism.inter.broker.protocol=${SCRAM_MECHANISM}`,
    ...saslListeners.map(
      (listener) =>
        `listener.name.${listener.toLowerCase()}.${SCRAM_MECHANISM.toLowerCase()}.sasl.jaas.config=` +
        'org.apache.kafka.common.security.scram.ScramLoginModule required ' +
        `username="${name}" password="${password}";`,
    ),
    // The controller listener authenticates too: KRaft controllers also answer admin requests
    // (KIP-919), so an open PLAINTEXT controller port with ANONYMOUS as super user would let
    // anyone on the machine around the ACLs. SCRAM users live in the metadata the controller
    // serves, so it cannot use SCRAM itself: PLAIN, with the admin as only user.
    'sasl.mechanism.controller.protocol=PLAIN',
    'listener.name.controller.sasl.enabled.mechanisms=PLAIN',
    'listener.name.controller.plain.sasl.jaas.config=' +
      'org.apache.kafka.common.security.plain.PlainLoginModule required ' +
      `username="${name}" password="${password}" user_${name}="${password}";`,
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    // Deny by default: a principal may do only what an ACL allows it.
    'allow.everyone.if.no.acl.found=false',
    `super.users=User:${name}`,
  ];
}

/**
 * The listeners of tls mode ({@link tlsListenerPorts}): SASL_SSL where `KAFKA_BROKERS` points,
 * SSL requiring a client certificate (its CN becomes the principal, so the same `User:<name>`
 * ACLs apply), and SASL_PLAINTEXT, which also carries the broker's own traffic. The key store
 * and trust store are the development PKI's PEM files (Kafka 2.7+, KIP-651).
 */
function tlsListenerProperties(
  opts: Pick<BrokerOptions, 'host' | 'port' | 'controllerPort'>,
  security: Extract<BrokerSecurity, { mode: 'tls' }>,
): string[] {
  const { host, controllerPort } = opts;
  const ports = tlsListenerPorts(opts.port);
  const clients = [
    `SASL_SSL://${host}:${ports.saslSsl}`,
    `SSL://${host}:${ports.ssl}`,
    `SASL_PLAINTEXT://${host}:${ports.saslPlaintext}`,
  ];
  return [
    `listeners=${[...clients, `CONTROLLER://${host}:${controllerPort}`].join(',')}`,
    `advertised.listeners=${clients.join(',')}`,
    'listener.security.protocol.map=' +
      'SASL_SSL:SASL_SSL,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    ...securedProperties(security.admin, ['SASL_PLAINTEXT', 'SASL_SSL']),
    'ssl.keystore.type=PEM',
    `ssl.keystore.location=${security.tls.brokerKeystoreFile}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${security.tls.caFile}`,
    'ssl.enabled.protocols=TLSv1.3,TLSv1.2',
    // Mutual TLS on the SSL listener only; SASL_SSL clients prove who they are with SCRAM.
    'listener.name.ssl.ssl.client.auth=required',
    // `CN=partner-TH,O=Mekong Referral Hub development` is User:partner-TH; any other subject
    // keeps its whole DN as its name, which no ACL names, so it may do nothing.
    'ssl.principal.mapping.rules=' +
      'RULE:^CN=([A-Za-z0-9._-]+),O=Mekong Referral Hub development$/$1/,DEFAULT',
  ];
}

/** The broker's configuration in `opts.security`'s mode, storing its logs in `dataDir`. */
export function serverProperties(
  opts: Pick<BrokerOptions, 'host' | 'port' | 'controllerPort' | 'security'>,
  dataDir: string,
): string {
  const { host, controllerPort } = opts;
  return [
    '# Generated by scripts/lib/kafka-broker.ts on every start; edits are overwritten.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${controllerPort}`,
    'controller.listener.names=CONTROLLER',
    ...listenerProperties(opts, opts.security),
    `log.dirs=${dataDir}`,
    // Single node: anything above 1 would leave internal topics unable to accept writes.
    ...replicationProperties(1, 1),
    '',
  ].join('\n');
}

/**
 * The lines every local node shares, with its internal topics and new topics replicated to
 * `replicas` nodes and writes needing `minInsyncReplicas` of them (the single broker: 1 and 1;
 * the three-node cluster of kafka-cluster.ts: 3 and 2).
 */
export function replicationProperties(replicas: number, minInsyncReplicas: number): string[] {
  return [
    `offsets.topic.replication.factor=${replicas}`,
    'offsets.topic.num.partitions=1',
    `transaction.state.log.replication.factor=${replicas}`,
    `transaction.state.log.min.isr=${minInsyncReplicas}`,
    'transaction.state.log.num.partitions=1',
    `default.replication.factor=${replicas}`,
    `min.insync.replicas=${minInsyncReplicas}`,
    // A replica that fell behind never becomes leader: acknowledged writes are never dropped.
    'unclean.leader.election.enable=false',
    'num.partitions=1',
    // Tests join consumer groups constantly; the default 3 s delay would dominate their runtime.
    'group.initial.rebalance.delay.ms=0',
    // The hub declares its own topics; auto-creation would hide a missing declaration.
    'auto.create.topics.enable=false',
    // Dev data is disposable: keep the cache directory from growing without bound.
    'log.retention.hours=24',
    'log.segment.bytes=67108864',
  ];
}

export const LOG4J_PROPERTIES = [
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

export function newClusterId(): string {
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
    if (await brokerAnswers(opts.host, opts.port, 1_000, opts.security)) return true;
    await sleep(POLL_MS);
  }
  return false;
}

/**
 * The mode a broker of ours was started in, with the fingerprints of its SCRAM users and (tls
 * mode) of the key store and trust store it read at start.
 */
interface ModeRecord {
  mode: KafkaSecurityMode;
  users?: string;
  tls?: string;
}

/**
 * A digest of the SCRAM users (names and passwords): storage formatted with other users, or a
 * broker started with them, cannot serve the current credentials and must be redone.
 */
function usersFingerprint(security: BrokerSecurity): string | undefined {
  if (security.mode === 'plaintext') return undefined;
  const hash = createHash('sha256');
  for (const user of [...security.users].sort((a, b) => a.name.localeCompare(b.name))) {
    hash.update(`${user.name}\0${user.password}\n`);
  }
  return hash.digest('hex');
}

/**
 * A digest of the broker's key store and trust store: a broker started before the development
 * PKI was renewed still serves the old certificate, which clients of the new CA refuse.
 */
function tlsFingerprint(security: BrokerSecurity): string | undefined {
  if (security.mode !== 'tls') return undefined;
  const hash = createHash('sha256');
  for (const file of [security.tls.brokerKeystoreFile, security.tls.caFile]) {
    hash.update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function wantedRecord(security: BrokerSecurity): ModeRecord {
  const users = usersFingerprint(security);
  const tls = tlsFingerprint(security);
  return {
    mode: security.mode,
    ...(users !== undefined && { users }),
    ...(tls !== undefined && { tls }),
  };
}

function readModeRecord(modeFile: string): ModeRecord {
  try {
    const record = JSON.parse(readFileSync(modeFile, 'utf8')) as Partial<ModeRecord>;
    if (record.mode !== undefined && KAFKA_SECURITY_MODES.includes(record.mode)) {
      return {
        mode: record.mode,
        ...(record.users !== undefined && { users: record.users }),
        ...(record.tls !== undefined && { tls: record.tls }),
      };
    }
  } catch {
    // Missing: a broker started before modes existed, which was always plaintext.
  }
  return { mode: 'plaintext' };
}

function sameRecord(a: ModeRecord, b: ModeRecord): boolean {
  return a.mode === b.mode && a.users === b.users && a.tls === b.tls;
}

function describeRecord(record: ModeRecord, wanted: ModeRecord): string {
  if (record.mode !== wanted.mode) return `${record.mode} mode`;
  return record.users !== wanted.users
    ? `${record.mode} mode with other SCRAM users (the passwords in .dev/kafka changed)`
    : `${record.mode} mode with other certificates (the development PKI in .dev/tls changed)`;
}

function describeListener(mode: ListenerMode): string {
  switch (mode) {
    case 'scram-other-credentials':
      return 'scram mode, refusing the credentials in .dev/kafka';
    case 'tls-other-credentials':
      return 'tls mode, with a certificate the CA in .dev/tls did not sign or refusing the credentials in .dev/kafka';
    default:
      return `${mode} mode`;
  }
}

/** Brings the broker's ACLs to the wanted ones (scram and tls modes); none in plaintext. */
async function applySecurity(opts: BrokerOptions): Promise<StartResult['acls']> {
  const { security } = opts;
  if (security.mode === 'plaintext') return undefined;
  const admin = new Kafka({
    clientId: 'kafka-broker-setup',
    brokers: [`${opts.host}:${opts.port}`],
    logLevel: logLevel.NOTHING,
    ...adminLogin(security),
  }).admin();
  await admin.connect();
  try {
    return await syncAcls(admin, security.acls);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Formats `dataDir` for the wanted mode when it is not formatted yet, or (scram, tls) was formatted
 * with other SCRAM users: those live in the metadata log, so only a fresh format changes them.
 */
async function ensureFormatted(
  opts: BrokerOptions,
  p: ReturnType<typeof paths>,
  libs: string,
  logFlags: readonly string[],
): Promise<void> {
  const fingerprint = usersFingerprint(opts.security);
  const formatted = existsSync(path.join(p.dataDir, 'meta.properties'));
  if (formatted && fingerprint !== undefined) {
    const formattedWith = existsSync(p.usersFile) ? readFileSync(p.usersFile, 'utf8').trim() : '';
    if (formattedWith === fingerprint) return;
    say(
      opts,
      `kafka: ${p.dataDir} was formatted with other SCRAM users; formatting it afresh ` +
        '(its topics and offsets are lost)',
    );
    rmSync(p.dataDir, { recursive: true, force: true });
    mkdirSync(p.dataDir, { recursive: true });
  } else if (formatted) {
    return;
  }
  // Passwords on a command line are briefly visible to local users; they are development
  // credentials of a broker bound to 127.0.0.1, and StorageTool has no other way to take them.
  const scramUsers =
    opts.security.mode !== 'plaintext'
      ? opts.security.users.flatMap((user) => [
          '--add-scram',
          `${SCRAM_MECHANISM}=[name=${user.name},password=${user.password}]`,
        ])
      : [];
  await formatStorage({ libs, logFlags, props: p.props, clusterId: newClusterId() }, scramUsers);
  if (fingerprint !== undefined) writeFileSync(p.usersFile, `${fingerprint}\n`);
}

/**
 * Formats the log directories `props` names for cluster `clusterId` with Kafka's StorageTool
 * (`extra`: more arguments, such as SCRAM users); already formatted ones are left alone.
 */
export async function formatStorage(
  where: { libs: string; logFlags: readonly string[]; props: string; clusterId: string },
  extra: readonly string[] = [],
): Promise<void> {
  const { code, output } = await run(javaBin(), [
    ...where.logFlags,
    '-cp',
    classpath(where.libs),
    'kafka.tools.StorageTool',
    'format',
    '-t',
    where.clusterId,
    '-c',
    where.props,
    '--ignore-formatted',
    ...extra,
  ]);
  if (code !== 0) {
    throw new Error(`kafka: formatting for ${where.props} failed (exit ${code}):\n${output}`);
  }
}

/**
 * Makes sure a broker in `opts.security`'s mode answers on `opts.host:opts.port`, with exactly the
 * wanted ACLs (scram and tls modes), starting one when needed.
 *
 * - Our broker (from the pid file) in the wanted mode: reused (waited for while it boots).
 * - Our broker in another mode: restarted in the wanted mode (`onOtherMode: 'restart'`), or a
 *   {@link BrokerModeError} saying what to do (`'refuse'`).
 * - A broker someone else started: reused when it serves the wanted mode (taking our
 *   credentials in scram and tls modes, showing a certificate of our CA in tls mode), else a
 *   {@link BrokerModeError}: it is never silently used in the wrong mode.
 */
export async function startBroker(opts: BrokerOptions): Promise<StartResult> {
  const p = paths(opts);
  const wanted = wantedRecord(opts.security);
  const where = `${opts.host}:${opts.port}`;
  const existingPid = readPid(p.pidFile);
  const ours = existingPid !== undefined && isOurBroker(existingPid);

  if (ours) {
    const running = readModeRecord(p.modeFile);
    if (sameRecord(running, wanted)) {
      // Our broker from an earlier `up` may still be booting; a second JVM would only fail on
      // the log.dirs lock, so wait for the first one instead.
      const t0 = performance.now();
      if (await waitUntilReady(opts, existingPid, () => false, t0 + READY_TIMEOUT_MS)) {
        const acls = await applySecurity(opts);
        const readyMs = Math.round(performance.now() - t0);
        return { reused: true, pid: existingPid, readyMs, ...(acls && { acls }) };
      }
      throw new Error(
        `kafka: broker pid ${existingPid} is running but not answering on ${where}; ` +
          `run 'npm run infra:down' and retry. See ${p.serverLog}`,
      );
    }
    const what = describeRecord(running, wanted);
    if (opts.onOtherMode === 'refuse') {
      throw new BrokerModeError(
        `kafka: the broker this checkout started on ${where} (pid ${existingPid}) runs in ` +
          `${what}, and this needs ${opts.security.mode} mode. Either stop it ` +
          `('npm run infra:down'; this command then starts and stops a broker of its own) or ` +
          `restart it in ${opts.security.mode} mode ` +
          `('KAFKA_SECURITY=${opts.security.mode} npm run infra:up').`,
      );
    }
    say(
      opts,
      `kafka: the broker on ${where} runs in ${what}; restarting it in ${wanted.mode} mode`,
    );
    await stopBroker(opts);
  } else {
    const found = await listenerMode(opts.host, opts.port, 2_000, opts.security);
    if (found === wanted.mode) {
      const acls = await applySecurity(opts);
      return { reused: true, readyMs: 0, ...(acls && { acls }) };
    }
    if (found !== undefined) {
      throw new BrokerModeError(
        `kafka: a broker this checkout did not start is listening on ${where} in ` +
          `${describeListener(found)}, and this needs ${opts.security.mode} mode. Stop it, ` +
          'or point KAFKA_BROKERS at a free port for a broker of our own.',
      );
    }
    // Stale: the pid it names has exited or now belongs to something other than Kafka.
    if (existingPid !== undefined) rmSync(p.pidFile, { force: true });
  }

  for (const port of brokerPorts(opts)) {
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
  // In scram and tls modes the file holds the admin's password: readable by its owner only.
  writeFileSync(p.props, serverProperties(opts, p.dataDir), { mode: 0o600 });
  chmodSync(p.props, 0o600);
  writeFileSync(p.log4j, LOG4J_PROPERTIES);

  const logFlags = [`-Dlog4j.configuration=file:${p.log4j}`, `-Dkafka.logs.dir=${p.logsDir}`];
  await ensureFormatted(opts, p, libs, logFlags);

  // Only this run's output matters when explaining a failure; server.log is appended to.
  const serverLogOffset = fileSize(p.serverLog);
  const t0 = performance.now();
  const { pid, exitCode } = await launchKafka({ ...p, libs, logFlags });
  writeFileSync(p.pidFile, `${pid}\n`);
  writeFileSync(p.modeFile, `${JSON.stringify(wanted)}\n`);

  const ready = await waitUntilReady(
    opts,
    pid,
    () => exitCode() !== undefined,
    t0 + READY_TIMEOUT_MS,
  );
  if (ready) {
    const acls = await applySecurity(opts);
    return {
      reused: false,
      pid,
      readyMs: Math.round(performance.now() - t0),
      ...(acls && { acls }),
    };
  }

  const why =
    exitCode() !== undefined
      ? `the JVM exited (code ${exitCode()}) before answering`
      : `no metadata answer within ${READY_TIMEOUT_MS / 1000} s`;
  await stopBroker(opts);
  const logs = [
    `--- ${p.serverLog} ---`,
    tailFile(p.serverLog, serverLogOffset, LOG_TAIL_LINES),
    `--- ${p.brokerOut} ---`,
    tailFile(p.brokerOut, 0, LOG_TAIL_LINES),
  ].join('\n');
  throw new Error(`kafka: broker on ${where} did not start: ${why}\n${logs}`);
}

/** Every port the broker of `opts` listens on. */
function brokerPorts(opts: BrokerOptions): number[] {
  if (opts.security.mode !== 'tls') return [opts.port, opts.controllerPort];
  const { ssl, saslPlaintext } = tlsListenerPorts(opts.port);
  return [opts.port, opts.controllerPort, ssl, saslPlaintext];
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // The broker may exit between our liveness check and the signal; that is the goal anyway.
  }
}

/** A Kafka JVM started by {@link launchKafka}. */
export interface LaunchedKafka {
  pid: number;
  /** Undefined while it runs; its exit code (-1: killed by a signal) once it exited. */
  exitCode: () => number | null | undefined;
}

/**
 * Starts `kafka.Kafka props` from the fetched jars in its own process group, unref'd: the broker
 * must outlive the command that started it. Its output goes to `brokerOut` (truncated).
 */
export async function launchKafka(where: {
  libs: string;
  logFlags: readonly string[];
  props: string;
  stateDir: string;
  brokerOut: string;
}): Promise<LaunchedKafka> {
  const out = openSync(where.brokerOut, 'w');
  const child = spawn(
    javaBin(),
    [...JVM_FLAGS, ...where.logFlags, '-cp', classpath(where.libs), 'kafka.Kafka', where.props],
    { cwd: where.stateDir, detached: true, stdio: ['ignore', out, out] },
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
  if (pid === undefined) throw await spawnError;
  return { pid, exitCode: () => exitCode };
}

/**
 * SIGTERM, which lets Kafka do a controlled shutdown so the next start skips log recovery, then
 * SIGKILL when it is still alive after `graceMs`.
 */
export async function terminate(pid: number, graceMs = STOP_GRACE_MS): Promise<void> {
  signal(pid, 'SIGTERM');
  const deadline = performance.now() + graceMs;
  while (isAlive(pid) && performance.now() < deadline) await sleep(POLL_MS);
  if (isAlive(pid)) {
    signal(pid, 'SIGKILL');
    const killDeadline = performance.now() + 5_000;
    while (isAlive(pid) && performance.now() < killDeadline) await sleep(100);
  }
}

export async function stopBroker(opts: BrokerOptions): Promise<{ stopped: boolean }> {
  const { pidFile, modeFile } = paths(opts);
  const pid = readPid(pidFile);
  // No pid file means we did not start whatever may be listening; leave it alone.
  if (pid === undefined) return { stopped: false };
  if (!isOurBroker(pid)) {
    rmSync(pidFile, { force: true });
    rmSync(modeFile, { force: true });
    return { stopped: false };
  }

  await terminate(pid);
  rmSync(pidFile, { force: true });
  rmSync(modeFile, { force: true });
  return { stopped: true };
}

/**
 * The broker this checkout started (if any, with its recorded mode) and what answers on the
 * port. `opts.security` supplies the credentials to try (scram and tls modes).
 */
export async function brokerStatus(opts: BrokerOptions): Promise<BrokerStatus> {
  const p = paths(opts);
  const pid = readPid(p.pidFile);
  const running = pid !== undefined && isOurBroker(pid);
  const listening = await listenerMode(opts.host, opts.port, 2_000, opts.security);
  return {
    running,
    ...(running && { pid, recordedMode: readModeRecord(p.modeFile).mode }),
    ...(listening !== undefined && { listening }),
  };
}
