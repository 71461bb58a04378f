import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { fromTopic } from '@hub/contracts';
import { Pool } from 'pg';
import { dropDatabase } from '../../src/database/ensure-database';
import { migrateDatabase } from '../../src/database/migrate';
import { APP_ROLE } from '../../src/database/migrations/1763800000000-audit-trail';
import { loadEnv } from '../../src/env';
import { ensureDevKeys } from '../lib/dev-keys-setup';
import {
  defaultBrokerOptions,
  startBroker,
  stopBroker,
  type BrokerOptions,
} from '../lib/kafka-broker';
import {
  acknowledgements,
  exampleReferral,
  hubKey,
  insertDrafts,
  receiverOf,
  submittedEvents,
} from './fixtures';
import { withDatabase } from './hub-fixture';
import { benchKafka, endOffsets, ensureTopics } from './kafka-tools';
import { bareConsumer, produceAll, rawPgTransactions } from './references';
import {
  captureInboundTemplate,
  captureSubmitTemplate,
  replaySubmits,
  sameWritesConsumer,
  uuidsOf,
  type SqlTemplate,
} from './sql-replay';

/** The hub's pool in bench.ts; every reference here uses the same. */
const POOL_SIZE = 10;
const COUNT = 3000;
const WARMUP = POOL_SIZE * 2;
/** The hub's RUN_SIZE (src/partners/partner-inbound.consumer.ts). */
const RUN_SIZE = 50;

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** How an instance of `t` gets its UUIDs: given by the caller, fresh, or kept as traced. */
function uuidNote(t: SqlTemplate): string {
  const all = new Set(t.statements.flatMap((s) => [...uuidsOf(s)]));
  const given = Object.keys(t.ids);
  const fresh = all.size - given.length - t.constants.length;
  return `UUIDs per instance: ${given.length} given (${given.join(', ')}), ${fresh} fresh, ${t.constants.length} kept`;
}

/**
 * `npx tsx scripts/bench/sql-replay-try.ts`: the traced same-work references end to end, by
 * hand. Needs `npm run build` first (the hub runs from dist/). Starts a plaintext broker of its
 * own (127.0.0.1:9192, state in .cache/kafka/trace) and uses databases of its own
 * (`referral_hub_trace` for the traced hub, `referral_hub_trace_raw` for the references, both
 * dropped and migrated anew); captures the submit and inbound templates, replays 3,000 submits
 * and 3,000 partner acknowledgements, and prints their rates beside the two-insert floor
 * (`rawPgTransactions`) and the bare consumer, all with a pool of 10.
 */
async function main(): Promise<void> {
  await ensureDevKeys();
  const brokerOptions: BrokerOptions = {
    ...defaultBrokerOptions(),
    host: '127.0.0.1',
    port: 9192,
    controllerPort: 9193,
    instance: 'trace',
  };
  const broker = await startBroker(brokerOptions);
  say(`kafka: ${broker.reused ? 'reusing' : 'started'} 127.0.0.1:${brokerOptions.port}`);
  try {
    await tryOut([`127.0.0.1:${brokerOptions.port}`]);
  } finally {
    // The broker on this port is this script's own (instance `trace`), even when reused.
    await stopBroker(brokerOptions);
  }
}

async function tryOut(brokers: string[]): Promise<void> {
  const server = loadEnv().MIGRATION_DATABASE_URL;
  const hubOwner = withDatabase(server, 'referral_hub_trace');
  const rawOwner = withDatabase(server, 'referral_hub_trace_raw');
  for (const url of [hubOwner, rawOwner]) {
    await dropDatabase(url);
    await migrateDatabase(url);
  }
  const hubApp = withDatabase(server, 'referral_hub_trace', APP_ROLE);
  const rawApp = withDatabase(server, 'referral_hub_trace_raw', APP_ROLE);
  const capture = { ownerUrl: hubOwner, appUrl: hubApp, brokers, poolSize: POOL_SIZE };

  say('▶ capture: the hub submitting drafts one at a time');
  const submit = await captureSubmitTemplate(capture);
  say(`  ${submit.summary}`);
  say(`  ${uuidNote(submit.template)}`);
  say(`  trace: ${submit.traceFile}`);
  say('▶ capture: the hub applying partner acknowledgements');
  const inbound = await captureInboundTemplate(capture);
  say(`  ${inbound.summary} (an event of a run of ${inbound.eventsInRun})`);
  say(`  ${uuidNote(inbound.template)}`);
  say(`  trace: ${inbound.traceFile}`);

  const content = exampleReferral();
  const [sample] = submittedEvents(1, content, hubKey());
  if (!sample) throw new Error('no sample event');
  say(`▶ floor: raw pg, referral row + outbox row (${COUNT})`);
  const floor = await rawPgTransactions(rawApp, POOL_SIZE, COUNT, content, sample);
  say(`  ${floor.toFixed(0)} transactions/s`);

  say(`▶ reference: the hub's submit statements replayed with raw pg (${COUNT})`);
  const rawPool = new Pool({ connectionString: rawOwner, max: 2 });
  const warmIds = Array.from({ length: WARMUP }, () => randomUUID());
  const ids = Array.from({ length: COUNT }, () => randomUUID());
  try {
    await insertDrafts(rawPool, [...warmIds, ...ids], content);
  } finally {
    await rawPool.end();
  }
  const replayed = await replaySubmits({
    url: rawApp,
    poolSize: POOL_SIZE,
    template: submit.template,
    draftIds: ids,
    warmupIds: warmIds,
    concurrency: POOL_SIZE,
  });
  say(
    `  ${replayed.perSecond.toFixed(0)} submits/s, ${replayed.failures} failed${replayed.firstError ? ` (${replayed.firstError})` : ''}`,
  );

  // The replayed submissions left those referrals as the hub's own would: acknowledge them.
  const kafka = benchKafka(brokers, 'sql-replay-try');
  const topic = fromTopic(receiverOf(content).country);
  await ensureTopics(kafka, [topic], 6);
  const from = await endOffsets(kafka, topic);
  await produceAll(kafka, topic, acknowledgements(ids, content));
  say(`▶ reference: bare kafkajs consumer (${COUNT} acknowledgements)`);
  const bare = await bareConsumer(kafka, topic, from, COUNT, 120_000);
  say(`  ${bare.toFixed(0)} records/s`);
  say(`▶ reference: consumer doing the hub's inbound writes, ${RUN_SIZE} per transaction`);
  const same = await sameWritesConsumer({
    kafka,
    topic,
    from,
    count: COUNT,
    url: rawApp,
    poolSize: POOL_SIZE,
    template: inbound.template,
    runSize: RUN_SIZE,
    timeoutMs: 120_000,
  });
  say(`  ${same.perSecond.toFixed(0)} events/s`);

  say('');
  say(`pool ${POOL_SIZE}, ${COUNT} each`);
  say(`  two-insert floor (rawPgTransactions)   ${floor.toFixed(0).padStart(6)} /s`);
  say(
    `  replayed hub submit                    ${replayed.perSecond.toFixed(0).padStart(6)} /s  (${(replayed.perSecond / floor).toFixed(2)} × floor)`,
  );
  say(`  bare consumer (reads only)             ${bare.toFixed(0).padStart(6)} /s`);
  say(
    `  same-writes consumer                   ${same.perSecond.toFixed(0).padStart(6)} /s  (${(same.perSecond / bare).toFixed(2)} × bare)`,
  );
}

main().catch((error: unknown) => {
  console.error(
    `sql-replay-try: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exitCode = 1;
});
