import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  deadLetterTopic,
  fromTopic,
  signEvent,
  toTopic,
  type CloudEvent,
} from '@hub/contracts';
import { parseCosignerVerifierKey, type NoteSigner } from '@hub/transparency-log';
import type { Consumer, IHeaders, Producer } from 'kafkajs';
import { HubSigningKey } from '../../src/common/hub-signing-key';
import { hubKafka, partnerGroupId, partnerKafka } from './kafka-clients';
import { partnerEvent } from './partner-events';

/** A record the test partner read, decoded. */
export interface ReadRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  headers: Record<string, string>;
  /** The CloudEvent in the value (undefined when the value is not JSON). */
  event: CloudEvent<Record<string, unknown>>;
  raw: string;
}

/** Creates topics and moves group offsets: work for the broker's super user, the hub. */
const admin = hubKafka('test-partner-admin');

/**
 * Plays a partner country's system in tests over the real broker, logged in as that country's
 * principal (so only what its ACLs allow): reads what the hub writes to `referral-hub.to.<CC>`
 * (and the DLQ) from the moment it starts, and writes raw records or CloudEvents to
 * `referral-hub.from.<CC>`.
 */
export class TestPartner {
  readonly received: ReadRecord[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly country: string,
    private readonly consumer: Consumer,
    private readonly producer: Producer,
  ) {}

  /** Starts reading `to.<CC>` and `from.<CC>.dlq` at their current ends. */
  static async start(country: string): Promise<TestPartner> {
    const topics = [toTopic(country), deadLetterTopic(country)];
    const groupId = partnerGroupId(country, 'test');
    await startAtEnd(groupId, topics);
    const kafka = partnerKafka(country, `test-partner-${country}`);
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const partner = new TestPartner(country, consumer, producer);
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        const raw = message.value?.toString() ?? '';
        let event = {} as CloudEvent<Record<string, unknown>>;
        try {
          event = JSON.parse(raw) as CloudEvent<Record<string, unknown>>;
        } catch {
          // DLQ records may be anything; keep the raw text.
        }
        partner.received.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          headers: decodeHeaders(message.headers),
          event,
          raw,
        });
        for (const wake of partner.waiters) wake();
        return Promise.resolve();
      },
    });
    return partner;
  }

  /** Hub events on `to.<CC>` about one referral, in the order they arrived. */
  eventsOf(referralId: string): CloudEvent<Record<string, unknown>>[] {
    return this.received
      .filter((r) => r.topic === toTopic(this.country) && r.event.subject === referralId)
      .map((r) => r.event);
  }

  deadLetters(): ReadRecord[] {
    return this.received.filter((r) => r.topic === deadLetterTopic(this.country));
  }

  /** Waits until `predicate` holds over what was received (30 s at most). */
  async waitFor<T>(
    what: string,
    probe: (received: ReadRecord[]) => T | undefined | false,
    timeoutMs = 30_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe(this.received);
      if (value !== undefined && value !== false) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 500));
        const waiters = this.waiters;
        function done(): void {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        waiters.add(done);
      });
    }
  }

  /** Waits for the hub event of `type` about `referralId` (optionally answering `causationId`). */
  waitForEvent(
    referralId: string,
    type: string,
    causationId?: string,
  ): Promise<CloudEvent<Record<string, unknown>>> {
    return this.waitFor(`${type} about ${referralId}`, () =>
      this.eventsOf(referralId).find(
        (e) => e.type === type && (causationId === undefined || e.causationid === causationId),
      ),
    );
  }

  /** Waits for the hub's answer (receipt or rejection) to one of our events. */
  waitForAnswer(eventId: string, timeoutMs?: number): Promise<CloudEvent<Record<string, unknown>>> {
    return this.waitFor(
      `an answer to ${eventId}`,
      (received) =>
        received.find((r) => r.topic === toTopic(this.country) && r.event.causationid === eventId)
          ?.event,
      timeoutMs,
    );
  }

  /**
   * Acts as `party` (one of this country's): publishes an event about a referral, having seen
   * `seen` as its last referralseq, and waits for the hub's answer. Returns the event sent.
   */
  async act(
    party: string,
    type: string,
    data: Record<string, unknown>,
    seen: number,
  ): Promise<CloudEvent<Record<string, unknown>>> {
    const event = partnerEvent(party, type, data, { referralseq: seen });
    await this.publish(event);
    await this.waitForAnswer(event.id);
    return event;
  }

  /**
   * Publishes a CloudEvent as the partner system would (structured mode), signed with the
   * country's development key unless `signed` is false (to test refusals).
   */
  async publish(event: CloudEvent, key = event.subject ?? event.id, signed = true): Promise<void> {
    const sent = signed
      ? signEvent(event, partnerKey(this.country), partnerKid(this.country))
      : event;
    await this.sendRaw(key, JSON.stringify(sent), {
      'content-type': CLOUDEVENTS_CONTENT_TYPE,
      ce_id: event.id,
      ce_type: event.type,
      ce_source: event.source,
    });
  }

  /** Publishes any bytes with any headers, to test refusals. */
  async sendRaw(key: string, value: string | Buffer, headers: IHeaders): Promise<void> {
    await this.producer.send({
      topic: fromTopic(this.country),
      acks: -1,
      messages: [{ key, value, headers }],
    });
  }

  /** Publishes many raw records in one request (bytes and headers exactly as given). */
  async sendRawBatch(
    records: readonly { key: string; value: string | Buffer; headers: IHeaders }[],
  ): Promise<void> {
    await this.producer.send({ topic: fromTopic(this.country), acks: -1, messages: [...records] });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}

/**
 * Points a new consumer group at the current ends of `topics`. Topics the hub has just created
 * may not have elected their leaders yet ("not the leader for that topic-partition"): retry.
 */
async function startAtEnd(groupId: string, topics: readonly string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const client = admin.admin();
    try {
      await client.connect();
      // A suite may run before any hub has created the topics (a fresh broker): create them as
      // the hub would (same partitions), so there is an end to start from.
      await client.createTopics({
        topics: topics.map((topic) => ({ topic, numPartitions: 6, replicationFactor: 1 })),
        waitForLeaders: true,
      });
      for (const topic of topics) {
        const ends = await client.fetchTopicOffsets(topic);
        await client.setOffsets({
          groupId,
          topic,
          partitions: ends.map((p) => ({ partition: p.partition, offset: p.offset })),
        });
      }
      return;
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    } finally {
      await client.disconnect();
    }
  }
}

const REPO = join(__dirname, '..', '..');

function devJwk(name: string): JsonWebKey & { kid: string } {
  const file = join(REPO, '.dev', 'keys', `${name}.private.jwk`);
  return JSON.parse(readFileSync(file, 'utf8')) as JsonWebKey & { kid: string };
}

function partnerJwk(country: string): JsonWebKey & { kid: string } {
  return devJwk(`partner-${country}`);
}

/** A partner country's development witness key: its signer and the verifier key the hub holds. */
export function witnessKey(country: string): NoteSigner & { verifierKey: string } {
  const verifierKey = readFileSync(
    join(REPO, '.dev', 'keys', `witness-${country}.vkey`),
    'utf8',
  ).trim();
  return {
    name: parseCosignerVerifierKey(verifierKey).name,
    privateKey: createPrivateKey({ key: devJwk(`witness-${country}`), format: 'jwk' }),
    verifierKey,
  };
}

/** The hub's development key as the hub loads it: what an attacker who took the hub would hold. */
export function hubSigningKey(): HubSigningKey {
  return HubSigningKey.fromJwkFile(
    join(REPO, '.dev', 'keys', 'hub.private.jwk'),
    'mekong-referral-hub/audit',
  );
}

/** The partner system's development signing key (generated by the test runner). */
export function partnerKey(country: string): KeyObject {
  return createPrivateKey({ key: partnerJwk(country), format: 'jwk' });
}

export function partnerKid(country: string): string {
  return partnerJwk(country).kid;
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined)
      out[name] = (Array.isArray(value) ? value[0] : value)?.toString() ?? '';
  }
  return out;
}
