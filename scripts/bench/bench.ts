import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fromTopic } from '@hub/contracts';
import { MerkleTree, verifyInclusion } from '@hub/transparency-log';
import { importJWK, SignJWT } from 'jose';
import { Pool } from 'pg';
import type { Page } from 'playwright-core';
import { leafBytes, toAuditEntry, type AuditEntryRow } from '../../src/audit-trail/audit-entry';
import {
  DEV_DATA_MASTER_KEY,
  DEV_ISSUER_KEY,
  DEV_KEYS_DIR,
  ensureKeyPair,
} from '../../src/auth/dev-keys';
import { dropDatabase, redact } from '../../src/database/ensure-database';
import { migrateDatabase } from '../../src/database/migrate';
import { APP_ROLE } from '../../src/database/migrations/1763800000000-audit-trail';
import { loadEnv } from '../../src/env';
import { loadPartyRegistry } from '../../src/parties/party-registry';
import { sealedEventPurpose } from '../../src/outbox/outbox-writer';
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
import { consoleBench } from './console-bench';
import {
  figure,
  formatTable,
  machineFacts,
  percentile,
  type BenchResults,
  type Figure,
} from './figures';
import {
  acknowledgements,
  exampleReferral,
  hubKey,
  insertDrafts,
  receiverOf,
  submittedEvents,
} from './fixtures';
import { HttpLoad, type LoadRequest } from './http-load';
import {
  PartnerReader,
  benchKafka,
  endOffsets,
  ensureTopics,
  setGroupOffsets,
} from './kafka-tools';
import {
  bareConsumer,
  bareProducer,
  produceAll,
  rawPgTransactions,
  rawProofHashing,
  rawVerifyHashing,
} from './references';
import { ServiceProcess } from './service-process';
import { CpuMeter, describeCpu } from './cpu-breakdown';

/** How much work each scenario does: the full run, or the smoke run CI does so it cannot rot. */
interface Sizes {
  warmup: number;
  submits: number;
  concurrency: number;
  latencySeconds: number;
  relayRecords: number;
  inbound: number;
  naive: number;
  rawTransactions: number;
  proofs: number;
}

const FULL: Sizes = {
  warmup: 500,
  submits: 6000,
  concurrency: 32,
  latencySeconds: 15,
  relayRecords: 20_000,
  inbound: 5000,
  naive: 6000,
  rawTransactions: 10_000,
  proofs: 20_000,
};

const SMOKE: Sizes = {
  warmup: 20,
  submits: 150,
  concurrency: 8,
  latencySeconds: 2,
  relayRecords: 500,
  inbound: 100,
  naive: 150,
  rawTransactions: 300,
  proofs: 500,
};

/** Connections of the hub's pool; the raw `pg` reference and the naive endpoint use the same. */
const POOL_SIZE = 10;
/** The relay's batch (OUTBOX_BATCH_SIZE); the bare producer sends batches of the same size. */
const RELAY_BATCH = 500;
const WAIT_MS = 180_000;

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

/** A free TCP port on 127.0.0.1, so the bench never collides with a running hub. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

function withDatabase(url: string, name: string, user?: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  if (user !== undefined) {
    u.username = user;
    u.password = '';
  }
  return u.toString();
}

async function freshDatabase(url: string): Promise<void> {
  await dropDatabase(url);
  await migrateDatabase(url);
}

async function token(party: string, roles: string[]): Promise<string> {
  const { pair } = await ensureKeyPair(join(repoRoot(), DEV_KEYS_DIR), DEV_ISSUER_KEY);
  const key = await importJWK(pair.privateJwk, 'EdDSA');
  return new SignJWT({ party, roles })
    .setProtectedHeader({ alg: 'EdDSA', kid: pair.kid })
    .setSubject('bench-officer')
    .setIssuer('urn:mrh:dev-issuer')
    .setAudience('referral-hub')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(key);
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function count(pool: Pool, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await pool.query<{ n: string }>(sql, params);
  return Number(rows.rows[0]?.n ?? 0);
}

function submitRequests(ids: readonly string[]): LoadRequest[] {
  return ids.map((id) => ({ id, path: `/v1/referrals/${id}/submit`, body: '{}' }));
}

function failIfAny(what: string, failures: { id: string; status: number; body: string }[]): void {
  if (failures.length === 0) return;
  const first = failures[0];
  throw new Error(
    `${what}: ${failures.length} requests failed; first: ${first?.status} ${first?.body}`,
  );
}

/**
 * Submits `ids` with a closed loop and returns the end-to-end rate: submissions per second from
 * the first request to the moment the partner's reader had read the last submitted event.
 */
async function endToEnd(
  load: HttpLoad,
  reader: PartnerReader,
  ids: readonly string[],
  concurrency: number,
): Promise<{ rate: number; httpRate: number }> {
  reader.watch(ids);
  const outcome = await load.closedLoop(submitRequests(ids), concurrency);
  failIfAny('submit', outcome.failures);
  const arrived = await reader.all(WAIT_MS);
  const last = Math.max(...arrived.values());
  return {
    rate: ids.length / ((last - outcome.startedAt) / 1000),
    httpRate: ids.length / ((outcome.finishedAt - outcome.startedAt) / 1000),
  };
}

interface Settings {
  smoke: boolean;
  build: boolean;
  sizes: Sizes;
  ownerUrl: string;
  brokers: string[];
  output: string;
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
      'skip-build': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
    },
  });
  const env = loadEnv();
  const server = values['database-url'] ?? env.MIGRATION_DATABASE_URL;
  const base = new URL(server).pathname.slice(1) || 'referral_hub';
  const name = values.database ?? (values['database-url'] ? base : `${base}_perf`);
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(name)) {
    throw new Error(`--database ${name}: not a plain name`);
  }
  return {
    smoke: values.smoke,
    build: !values['skip-build'],
    sizes: values.smoke ? SMOKE : FULL,
    ownerUrl: withDatabase(server, name),
    brokers: [`${benchBrokerOptions().host}:${benchBrokerOptions().port}`],
    output: values.output ?? join(repoRoot(), 'bench-results.json'),
    profile: values.profile,
  };
}

/**
 * `npm run bench [-- --smoke] [--database <name> | --database-url <owner url>] [--output <file>]
 * [--skip-build] [--profile]`: builds the hub, starts the broker (unless one answers) and
 * databases of its own (`<MIGRATION_DATABASE_URL's name>_perf` and its `_naive` and `_raw`
 * siblings, dropped and migrated anew), measures each figure of issue 7 next to its physical
 * limit measured in the same run, prints a table and the JSON summary and writes it to
 * `bench-results.json`.
 */
async function main(): Promise<void> {
  const s = settings();
  const { sizes } = s;
  const started = performance.now();
  say(`bench: ${s.smoke ? 'smoke run (sizes too small for real figures)' : 'full run'}`);
  if (s.build) {
    // Both: nest build empties dist/, the console's build too.
    say('▶ build (nest build, console)');
    await runOrThrow('npm', ['run', '-s', 'build']);
  }
  await ensureDevKeys();
  // A broker of its own (its port + 10, state in .cache/kafka/bench): the thousands of partner
  // records the bench leaves on referral-hub.from.CC must never reach the tests' hub, whose
  // consumer group would have to chew through them.
  const brokerOptions = benchBrokerOptions();
  const broker = await startBroker(brokerOptions);
  say(
    broker.reused
      ? `kafka: reusing the broker on ${brokerOptions.host}:${brokerOptions.port}`
      : `kafka: started on ${brokerOptions.host}:${brokerOptions.port}`,
  );
  const processes: ServiceProcess[] = [];
  const pools: Pool[] = [];
  try {
    const results = await measure(s, sizes, processes, pools);
    results.machine['durationSeconds'] = Math.round((performance.now() - started) / 1000);
    results.machine['loadAverageAtEnd'] = loadavg().map((l) => Math.round(l * 100) / 100);
    writeFileSync(s.output, `${JSON.stringify(results, null, 2)}\n`);
    say('');
    say(formatTable(results.figures));
    say('');
    say(JSON.stringify(results, null, 2));
    say(`\nwritten to ${s.output}`);
  } finally {
    for (const p of processes) await p.stop().catch(() => undefined);
    for (const pool of pools) await pool.end().catch(() => undefined);
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

async function measure(
  s: Settings,
  sizes: Sizes,
  processes: ServiceProcess[],
  pools: Pool[],
): Promise<BenchResults> {
  const hubDb = new URL(s.ownerUrl).pathname.slice(1);
  const hubOwnerUrl = s.ownerUrl;
  const naiveOwnerUrl = withDatabase(s.ownerUrl, `${hubDb}_naive`);
  const rawOwnerUrl = withDatabase(s.ownerUrl, `${hubDb}_raw`);
  say(`databases: ${[hubOwnerUrl, naiveOwnerUrl, rawOwnerUrl].map(redact).join(', ')}`);
  for (const url of [hubOwnerUrl, naiveOwnerUrl, rawOwnerUrl]) await freshDatabase(url);

  const registry = loadPartyRegistry(join(repoRoot(), 'config'));
  const kafka = benchKafka(s.brokers, 'bench');
  const content = exampleReferral();
  const receiver = receiverOf(content);
  const key = hubKey();
  await ensureTopics(kafka, [receiver.topic, fromTopic(receiver.country)], 6);
  const figures: Figure[] = [];
  const notes: Record<string, unknown> = {};
  /** The hub's VmHWM after each phase of run A: which phase set the peak. */
  const peakRssByPhase: Record<string, number> = {};
  notes['hubPeakRssMiBByPhase'] = peakRssByPhase;
  const machine = machineFacts({
    kafka: KAFKA_VERSION,
    smoke: s.smoke,
    sizes,
    poolSize: POOL_SIZE,
    relayBatch: RELAY_BATCH,
    notes,
  });

  // ---------------------------------------------------------------- references without the hub
  say('▶ reference: raw pg transaction (referral row + outbox row)');
  const [sampleEvent] = submittedEvents(1, content, key);
  if (!sampleEvent) throw new Error('no sample event');
  const rawTps = await rawPgTransactions(
    withDatabase(rawOwnerUrl, `${hubDb}_raw`, APP_ROLE),
    POOL_SIZE,
    sizes.rawTransactions,
    content,
    sampleEvent,
  );
  say(`  ${rawTps.toFixed(0)} transactions/s`);

  say('▶ reference: bare kafkajs producer');
  const relayRecords = submittedEvents(sizes.relayRecords, content, key);
  const bareProducerRate = await bareProducer(kafka, relayRecords, RELAY_BATCH);
  say(`  ${bareProducerRate.toFixed(0)} records/s`);

  // ------------------------------------------------------------------------- the hub, run A
  const hubGroup = `referral-hub-bench-${randomUUID()}`;
  for (const country of registry.partnerCountries()) {
    const topic = fromTopic(country);
    await ensureTopics(kafka, [topic], 6);
    await setGroupOffsets(kafka, hubGroup, topic, await endOffsets(kafka, topic));
  }
  const hubEnv = {
    DATABASE_URL: withDatabase(hubOwnerUrl, hubDb, APP_ROLE),
    MIGRATION_DATABASE_URL: hubOwnerUrl,
    DATABASE_POOL_SIZE: String(POOL_SIZE),
    OUTBOX_BATCH_SIZE: String(RELAY_BATCH),
    KAFKA_BROKERS: s.brokers.join(','),
    // The bench's own broker runs plaintext: a KAFKA_SASL_* login inherited from the caller
    // (npm test hands the hub's scram login to what it runs) would be refused there.
    ...NO_KAFKA_LOGIN,
    KAFKA_CONSUMER_GROUP: hubGroup,
    // One officer's token drives the whole load; the per-officer limit guards humans' rates.
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'warn',
  };
  const hubMain = join(repoRoot(), 'dist', 'src', 'main.js');
  const hubArgs = s.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${join(repoRoot(), '.cache', 'bench-profiles')}`, hubMain]
    : [hubMain];
  const hubPool = new Pool({ connectionString: hubOwnerUrl, max: 2 });
  pools.push(hubPool);

  const warmIds = Array.from({ length: sizes.warmup }, () => randomUUID());
  const maxIds = Array.from({ length: sizes.submits }, () => randomUUID());
  await insertDrafts(hubPool, [...warmIds, ...maxIds], content);

  say('▶ hub (run A): start dist/src/main.js');
  const hubA = new ServiceProcess('hub', hubArgs, hubEnv, await freePort());
  processes.push(hubA);
  await hubA.start('/health/ready');
  const officer = await token('LA-BOKEO-POLICE', ['liaison_officer']);
  const auditor = await token('LA-PDPCHT', ['auditor']);
  const hubLoad = new HttpLoad('127.0.0.1', hubA.port, { authorization: `Bearer ${officer}` }, 64);
  const reader = new PartnerReader(kafka, receiver.topic, 'mrh.referral.submitted.v1');
  await reader.start();
  try {
    say(`▶ hub: warm-up (${sizes.warmup} submits)`);
    await endToEnd(hubLoad, reader, warmIds, sizes.concurrency);
    peakRssByPhase['after warm-up'] = Math.round(hubA.usage().peakRssMiB);

    say('▶ console: first meaningful page in Chromium, cold cache, warm hub');
    const consoleResult = await consoleBench({
      baseUrl: `http://127.0.0.1:${hubA.port}`,
      signIn: signInToConsole,
      runs: s.smoke ? 2 : 10,
      log: say,
    });
    figures.push(...consoleResult.figures);
    notes['consoleFirstPageFiles'] = consoleResult.files;
    peakRssByPhase['after console'] = Math.round(hubA.usage().peakRssMiB);

    say(
      `▶ hub: end-to-end submit at maximum rate (${sizes.submits}, ${sizes.concurrency} in flight)`,
    );
    const cpuBefore = hubA.usage().cpuSeconds;
    const maxCpu = new CpuMeter();
    maxCpu.begin();
    const max = await endToEnd(hubLoad, reader, maxIds, sizes.concurrency);
    const maxCpuUse = maxCpu.end(hubA.pid);
    const cpuPerSubmitMs = ((hubA.usage().cpuSeconds - cpuBefore) * 1000) / maxIds.length;
    say(`  ${max.rate.toFixed(0)}/s end to end (HTTP alone ${max.httpRate.toFixed(0)}/s)`);
    say(`  CPU: ${describeCpu(maxCpuUse)}`);
    notes['cpuAtMaximumSubmitRate'] = maxCpuUse;
    peakRssByPhase['after maximum rate'] = Math.round(hubA.usage().peakRssMiB);
    notes['hubHttpSubmitRate'] = Math.round(max.httpRate);
    notes['hubCpuMsPerSubmit'] = Math.round(cpuPerSubmitMs * 100) / 100;
    figures.push(
      figure('e2e submit rate (HTTP → partner consumer)', max.rate, 'referrals/s', rawTps, {
        of: 'ratio',
        op: '>=',
        bound: 0.6,
      }),
    );

    const rate = Math.max(1, max.rate / 2);
    const latencyCount = Math.max(10, Math.round(rate * sizes.latencySeconds));
    const latencyIds = Array.from({ length: latencyCount }, () => randomUUID());
    await insertDrafts(hubPool, latencyIds, content);
    say(
      `▶ hub: latency at half the maximum rate (${rate.toFixed(0)}/s open loop, ${latencyCount})`,
    );
    reader.watch(latencyIds);
    const paced = await hubLoad.openLoop(submitRequests(latencyIds), rate);
    failIfAny('paced submit', paced.failures);
    const arrivals = await reader.all(WAIT_MS);
    const latencies = latencyIds
      .map((id) => (arrivals.get(id) ?? Number.NaN) - (paced.dueAt.get(id) ?? Number.NaN))
      .sort((a, b) => a - b);
    const httpLatencies = [...paced.httpMs.values()].sort((a, b) => a - b);
    notes['latencyRatePerSecond'] = Math.round(rate);
    notes['httpP50Ms'] = Math.round(percentile(httpLatencies, 50) * 10) / 10;
    notes['httpP99Ms'] = Math.round(percentile(httpLatencies, 99) * 10) / 10;
    peakRssByPhase['after latency run'] = Math.round(hubA.usage().peakRssMiB);
    figures.push(
      figure('e2e submit latency p50 at half max rate', percentile(latencies, 50), 'ms', null),
      figure('e2e submit latency p99 at half max rate', percentile(latencies, 99), 'ms', null, {
        of: 'value',
        op: '<=',
        bound: 100,
      }),
    );
    say(
      `  p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    );

    say(`▶ hub: outbox relay drain (${relayRecords.length} pre-filled rows)`);
    await waitUntil(
      'an empty outbox',
      async () =>
        (await count(hubPool, `SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`)) === 0,
    );
    // As the hub writes them: each event sealed with its referral's data key, which the relay
    // unwraps and opens before sending.
    const relayKeys = await insertDrafts(
      hubPool,
      relayRecords.map((r) => r.referralId),
      content,
    );
    const sealedValues = relayRecords.map((r) => {
      const dataKey = relayKeys.get(r.referralId);
      if (!dataKey) throw new Error(`no data key for ${r.referralId}`);
      return dataKey.sealText(sealedEventPurpose(r.eventId), r.value);
    });
    await hubPool.query(
      `INSERT INTO outbox (event_id, topic, message_key, referral_id, referral_seq, sealed_value,
         headers)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::int[], $6::bytea[],
         $7::jsonb[])`,
      [
        relayRecords.map((r) => r.eventId),
        relayRecords.map((r) => r.topic),
        relayRecords.map((r) => r.key),
        relayRecords.map((r) => r.referralId),
        relayRecords.map(() => 1),
        sealedValues,
        relayRecords.map((r) => JSON.stringify(r.headers)),
      ],
    );
    const filled = performance.now();
    const relayCpu = new CpuMeter();
    relayCpu.begin();
    await waitUntil(
      'the relay to drain the outbox',
      async () =>
        (await count(hubPool, `SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`)) === 0,
    );
    const relayRate = relayRecords.length / ((performance.now() - filled) / 1000);
    const relayCpuUse = relayCpu.end(hubA.pid);
    say(`  ${relayRate.toFixed(0)} events/s`);
    say(`  CPU: ${describeCpu(relayCpuUse)}`);
    notes['cpuDuringRelayDrain'] = relayCpuUse;
    peakRssByPhase['after relay drain'] = Math.round(hubA.usage().peakRssMiB);
    figures.push(
      figure('outbox relay drain rate', relayRate, 'events/s', bareProducerRate, {
        of: 'ratio',
        op: '>=',
        bound: 0.5,
      }),
    );

    say('▶ hub: audit log verification and proofs');
    await waitUntil(
      'the audit sequencer',
      async () => (await count(hubPool, `SELECT count(*) AS n FROM audit_pending`)) === 0,
    );
    const auditLoad = new HttpLoad(
      '127.0.0.1',
      hubA.port,
      { authorization: `Bearer ${auditor}` },
      1,
    );
    const signed = await auditLoad.post('/v1/audit/checkpoint', '{}');
    if (signed.status >= 300) throw new Error(`checkpoint: ${signed.status} ${signed.body}`);
    const verifyStarted = performance.now();
    const verified = await fetch(`http://127.0.0.1:${hubA.port}/v1/audit/verify`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    const verifySeconds = (performance.now() - verifyStarted) / 1000;
    const report = (await verified.json()) as { ok: boolean; entriesChecked: number };
    auditLoad.close();
    if (!report.ok) throw new Error(`audit verification failed: ${JSON.stringify(report)}`);
    const rows = await hubPool.query<AuditEntryRow & { leaf_index: string; leaf_hash: Buffer }>(
      `SELECT l.leaf_index, l.leaf_hash, e.* FROM audit_leaves l
       JOIN audit_entries e ON e.id = l.entry_id ORDER BY l.leaf_index`,
    );
    const leaves = rows.rows.map((r) => leafBytes(toAuditEntry(r), Number(r.leaf_index)));
    const rawVerify = rawVerifyHashing(leaves);
    figures.push(
      figure(
        'audit verification (GET /v1/audit/verify)',
        report.entriesChecked / verifySeconds,
        'entries/s',
        rawVerify,
      ),
    );
    const tree = new MerkleTree();
    for (const r of rows.rows) tree.appendLeafHash(r.leaf_hash);
    const size = tree.size;
    const root = tree.root();
    const indices = Array.from({ length: sizes.proofs }, (_, i) => (i * 7919) % size);
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
    figures.push(
      figure(
        'audit inclusion proofs (make + verify)',
        proofRate,
        'proofs/s',
        rawProofHashing(lengths),
      ),
    );
    notes['auditEntries'] = size;

    const usageA = hubA.usage();
    peakRssByPhase['after audit verification'] = Math.round(usageA.peakRssMiB);
    await reader.stop();
    hubLoad.close();
    say('▶ hub (run A): stop');
    await hubA.stop();

    // -------------------------------------------------------------- inbound partner events
    say(`▶ inbound: ${sizes.inbound} partner acknowledgements on ${fromTopic(receiver.country)}`);
    const inboundTopic = fromTopic(receiver.country);
    const before = await endOffsets(kafka, inboundTopic);
    const acks = acknowledgements(maxIds.slice(0, sizes.inbound), content);
    await produceAll(kafka, inboundTopic, acks);
    say('▶ reference: bare kafkajs consumer');
    const bareConsumerRate = await bareConsumer(kafka, inboundTopic, before, acks.length, WAIT_MS);
    say(`  ${bareConsumerRate.toFixed(0)} records/s`);
    await setGroupOffsets(kafka, hubGroup, inboundTopic, before);
    say('▶ hub (run B): start, apply the acknowledgements');
    const hubB = new ServiceProcess('hub', hubArgs, hubEnv, await freePort());
    processes.push(hubB);
    // hubB is not running yet: its CPU counts from its start.
    const inboundCpu = new CpuMeter();
    inboundCpu.begin();
    await hubB.start('/health/ready');
    await waitUntil(
      'the hub to apply the acknowledgements',
      async () => (await count(hubPool, `SELECT count(*) AS n FROM inbox`)) >= acks.length,
    );
    const inboundCpuUse = inboundCpu.end(hubB.pid);
    const applied = await hubPool.query<{ applied: string; seconds: number }>(
      `SELECT count(*) FILTER (WHERE outcome = 'applied') AS applied,
         extract(epoch FROM max(received_at) - min(received_at))::float8 AS seconds FROM inbox`,
    );
    const appliedCount = Number(applied.rows[0]?.applied ?? 0);
    if (appliedCount !== acks.length) {
      throw new Error(`only ${appliedCount} of ${acks.length} acknowledgements were applied`);
    }
    const inboundRate = (appliedCount - 1) / Math.max(applied.rows[0]?.seconds ?? 0, 1e-6);
    await waitUntil(
      'the receipts to be published',
      async () =>
        (await count(hubPool, `SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`)) === 0,
    );
    const receipts = await count(
      hubPool,
      `SELECT count(*) AS n FROM outbox WHERE headers->>'ce_type' = 'mrh.receipt.v1'`,
    );
    if (receipts !== acks.length) throw new Error(`${receipts} receipts for ${acks.length} events`);
    say(`  ${inboundRate.toFixed(0)} events/s`);
    say(`  CPU (start-up included): ${describeCpu(inboundCpuUse)}`);
    notes['cpuDuringInboundApply'] = inboundCpuUse;
    figures.push(
      figure('inbound partner events applied', inboundRate, 'events/s', bareConsumerRate, {
        of: 'ratio',
        op: '>=',
        bound: 0.3,
      }),
    );
    const usageB = hubB.usage();
    await hubB.stop();

    // ------------------------------------------------------------------- the naive endpoint
    say('▶ naive endpoint: TypeORM save() + ClientKafka.emit() in the request');
    const naivePool = new Pool({ connectionString: naiveOwnerUrl, max: 2 });
    pools.push(naivePool);
    const naiveWarm = Array.from({ length: sizes.warmup }, () => randomUUID());
    const naiveIds = Array.from({ length: sizes.naive }, () => randomUUID());
    await insertDrafts(naivePool, [...naiveWarm, ...naiveIds], content);
    const naivePort = await freePort();
    const naive = new ServiceProcess(
      'naive',
      [
        '--import',
        'tsx',
        'scripts/bench/naive/naive-main.ts',
        '--database-url',
        withDatabase(naiveOwnerUrl, `${hubDb}_naive`, APP_ROLE),
        '--brokers',
        s.brokers.join(','),
        '--issuer-key',
        join(repoRoot(), DEV_KEYS_DIR, `${DEV_ISSUER_KEY}.public.jwk`),
        '--master-key',
        join(repoRoot(), DEV_KEYS_DIR, DEV_DATA_MASTER_KEY),
        '--pool-size',
        String(POOL_SIZE),
        '--port',
        String(naivePort),
      ],
      {},
      naivePort,
    );
    processes.push(naive);
    await naive.start('/health');
    const naiveLoad = new HttpLoad(
      '127.0.0.1',
      naive.port,
      { authorization: `Bearer ${officer}` },
      64,
    );
    const naiveReader = new PartnerReader(kafka, receiver.topic, 'mrh.referral.submitted.v1');
    await naiveReader.start();
    try {
      await endToEnd(naiveLoad, naiveReader, naiveWarm, sizes.concurrency);
      const naiveMax = await endToEnd(naiveLoad, naiveReader, naiveIds, sizes.concurrency);
      say(`  ${naiveMax.rate.toFixed(0)}/s end to end`);
      figures.push(
        figure('e2e submit rate: hub vs naive endpoint', max.rate, 'referrals/s', naiveMax.rate, {
          of: 'ratio',
          op: '>=',
          bound: 1.3,
        }),
      );
      notes['naivePeakRssMiB'] = Math.round(naive.usage().peakRssMiB);
    } finally {
      await naiveReader.stop();
      naiveLoad.close();
      await naive.stop();
    }

    const peak = Math.max(usageA.peakRssMiB, usageB.peakRssMiB);
    figures.push(
      figure('hub peak RSS (VmHWM)', peak, 'MiB', null, { of: 'value', op: '<=', bound: 300 }),
    );
  } finally {
    await reader.stop().catch(() => undefined);
  }

  machine['postgres'] = (await hubPool.query<{ v: string }>(`SHOW server_version`)).rows[0]?.v;
  return { machine, figures };
}

main().catch((error: unknown) => {
  console.error(
    `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exitCode = 1;
});
