import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  EVENT_TYPES,
  cloudEventHeaders,
  countryOfParty,
  fromTopic,
  signEvent,
  toTopic,
  type CloudEvent,
} from '@hub/contracts';
import { Kafka, logLevel, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import { partnerEvent } from '../support/partner-events';
import { partnerKey, partnerKid } from '../support/test-partner';

/** One distinct hub event about a referral, as the partner received it. */
export interface ReceivedEvent {
  id: string;
  type: string;
  referralId: string;
  seq: number;
  /** When its first copy arrived (ms since the epoch). */
  firstAt: number;
  /** Records that carried it (at distinct offsets): more than 1 is a duplicate on the wire. */
  copies: number;
}

/** A hub event the partner's in-order application could not take as the next change. */
export interface Anomaly {
  kind: 'applied-twice' | 'out-of-order';
  referralId: string;
  seq: number;
  /** The number the partner had applied last for that referral. */
  last: number;
  eventId: string;
  at: number;
}

/** One event the partner sent the hub. */
export interface SentEvent {
  id: string;
  type: string;
  referralId: string;
  /** When it was decided (queued for sending). */
  queuedAt: number;
  /** When the broker first acknowledged it; undefined while it waits (broker down …). */
  publishedAt?: number;
  /** Send attempts that failed before it went out (each may have reached the broker anyway). */
  failedAttempts: number;
}

/** The hub's answer (receipt or rejection) to one of the partner's events. */
export interface Answer {
  id: string;
  type: string;
  status?: string;
  code?: string;
}

interface Outgoing {
  event: CloudEvent;
  value: string;
}

/**
 * A partner country's system for the fault tests: applies the hub's events on `to.<CC>` in
 * order — de-duplicating by event id like any consumer must — and answers each referral as an
 * officer would: acknowledge it, then accept it once the hub has applied the acknowledgement.
 *
 * It writes down everything a skeptical reader needs (every copy on the wire, what it applied and
 * what it could not, what it sent and every answer) and survives what the tests do to the broker:
 * a send that fails is retried with the same event (so the hub may see it twice), a consumer that
 * crashes is restarted.
 */
export class AnsweringPartner {
  readonly events = new Map<string, ReceivedEvent>();
  readonly anomalies: Anomaly[] = [];
  readonly sent = new Map<string, SentEvent>();
  readonly answers = new Map<string, Map<string, Answer>>();
  /** Arrival time of every copy of an event already received (a duplicate on the wire). */
  readonly duplicateArrivals: number[] = [];
  /** Records without a referral number (audit checkpoints …). */
  notices = 0;
  private readonly lastApplied = new Map<string, number>();
  private readonly seqs = new Map<string, Map<number, string>>();
  private readonly offsets = new Set<string>();
  private readonly queue: Outgoing[] = [];
  private readonly kafka: Kafka;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private pump: Promise<void> | undefined;
  private stopping = false;
  private readonly groupId = `fault-partner-${randomUUID()}`;

  constructor(
    readonly party: string,
    brokers: readonly string[],
  ) {
    this.kafka = new Kafka({
      clientId: `fault-partner-${party}`,
      brokers: [...brokers],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      retry: { initialRetryTime: 300, maxRetryTime: 3000, retries: 8 },
    });
  }

  get country(): string {
    return countryOfParty(this.party);
  }

  /** Starts reading `to.<CC>` from its beginning (the topics are the hub's; it must be up). */
  async start(): Promise<void> {
    await this.startConsumer();
    this.pump = this.sendLoop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    await this.pump;
    await this.producer?.disconnect().catch(() => undefined);
  }

  /** The highest number applied in order for a referral (0 when nothing arrived). */
  lastSeqOf(referralId: string): number {
    return this.lastApplied.get(referralId) ?? 0;
  }

  /** Distinct numbers received for a referral. */
  seqsOf(referralId: string): ReadonlyMap<number, string> {
    return this.seqs.get(referralId) ?? new Map<number, string>();
  }

  /** Events decided but not yet acknowledged by the broker. */
  get backlog(): number {
    return this.queue.length;
  }

  /** Our events the hub has not answered yet, optionally only those decided before `before`. */
  unanswered(before = Number.POSITIVE_INFINITY): SentEvent[] {
    return [...this.sent.values()].filter(
      (e) => e.queuedAt < before && (this.answers.get(e.id)?.size ?? 0) === 0,
    );
  }

  private async startConsumer(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      maxWaitTimeInMs: 200,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (event) => {
      // kafkajs does not always restart a crashed consumer itself (kafkajs #1299, #1513).
      if (!event.payload.restart && !this.stopping) void this.restartConsumer(consumer);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [toTopic(this.country)], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        this.receive(partition, message);
        return Promise.resolve();
      },
    });
  }

  private async restartConsumer(old: Consumer): Promise<void> {
    await old.disconnect().catch(() => undefined);
    while (!this.stopping) {
      try {
        await this.startConsumer();
        return;
      } catch {
        await sleep(1000);
      }
    }
  }

  private receive(partition: number, message: KafkaMessage): void {
    // A consumer restart re-reads records after the last commit: the same offset is no new copy.
    const position = `${partition}@${message.offset}`;
    if (this.offsets.has(position)) return;
    this.offsets.add(position);
    const now = Date.now();
    const event = JSON.parse(message.value?.toString() ?? '{}') as CloudEvent<
      Record<string, unknown>
    >;
    const known = this.events.get(event.id);
    if (known) {
      known.copies++;
      this.duplicateArrivals.push(now);
      return;
    }
    if (event.subject === undefined || event.referralseq === undefined) {
      this.notices++;
      this.noteAnswer(event);
      return;
    }
    const referralId = event.subject;
    const seq = event.referralseq;
    this.events.set(event.id, {
      id: event.id,
      type: event.type,
      referralId,
      seq,
      firstAt: now,
      copies: 1,
    });
    this.apply(referralId, seq, event.id, now);
    this.noteAnswer(event);
    this.react(event, referralId, seq);
  }

  /** In-order application, as a partner's database would do it. */
  private apply(referralId: string, seq: number, eventId: string, at: number): void {
    const last = this.lastApplied.get(referralId) ?? 0;
    const seqs = this.seqs.get(referralId) ?? new Map<number, string>();
    this.seqs.set(referralId, seqs);
    if (seqs.has(seq)) {
      this.anomalies.push({ kind: 'applied-twice', referralId, seq, last, eventId, at });
      return;
    }
    if (seq !== last + 1) {
      this.anomalies.push({ kind: 'out-of-order', referralId, seq, last, eventId, at });
    }
    seqs.set(seq, eventId);
    this.lastApplied.set(referralId, Math.max(last, seq));
  }

  private noteAnswer(event: CloudEvent<Record<string, unknown>>): void {
    const cause = event.causationid;
    if (cause === undefined || !this.sent.has(cause)) return;
    const answers = this.answers.get(cause) ?? new Map<string, Answer>();
    answers.set(event.id, {
      id: event.id,
      type: event.type,
      ...(typeof event.data['status'] === 'string' && { status: event.data['status'] }),
      ...(typeof event.data['code'] === 'string' && { code: event.data['code'] }),
    });
    this.answers.set(cause, answers);
  }

  /** The officer's answers: acknowledge what was submitted to us, accept what we acknowledged. */
  private react(event: CloudEvent<Record<string, unknown>>, referralId: string, seq: number): void {
    if (event.type === EVENT_TYPES.referralSubmitted && event.recipient === this.party) {
      this.send(EVENT_TYPES.referralAcknowledged, referralId, seq);
      return;
    }
    const cause = event.causationid === undefined ? undefined : this.sent.get(event.causationid);
    if (
      event.type === EVENT_TYPES.receipt &&
      cause?.type === EVENT_TYPES.referralAcknowledged &&
      event.data['status'] === 'APPLIED'
    ) {
      this.send(EVENT_TYPES.referralAccepted, referralId, seq);
    }
  }

  private send(type: string, referralId: string, seen: number): void {
    const event = partnerEvent(this.party, type, { referralId }, { referralseq: seen });
    const signed = signEvent(event, partnerKey(this.country), partnerKid(this.country));
    this.sent.set(event.id, {
      id: event.id,
      type,
      referralId,
      queuedAt: Date.now(),
      failedAttempts: 0,
    });
    this.queue.push({ event: signed, value: JSON.stringify(signed) });
  }

  /**
   * Sends what was decided, in order, in batches. A failed send is retried with the very same
   * events until the broker takes them; after repeated failures the producer is recreated.
   */
  private async sendLoop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      const batch = this.queue.slice(0, 200);
      if (batch.length === 0) {
        await sleep(20);
        continue;
      }
      try {
        const producer = await this.connectedProducer();
        await producer.send({
          topic: fromTopic(this.country),
          acks: -1,
          messages: batch.map(({ event, value }) => ({
            key: event.subject ?? event.id,
            value,
            headers: cloudEventHeaders(event),
          })),
        });
        const now = Date.now();
        for (const { event } of batch) {
          const sent = this.sent.get(event.id);
          if (sent) sent.publishedAt = now;
        }
        this.queue.splice(0, batch.length);
        failures = 0;
      } catch {
        failures++;
        for (const { event } of batch) {
          const sent = this.sent.get(event.id);
          if (sent) sent.failedAttempts++;
        }
        if (failures % 3 === 0) await this.dropProducer();
        await sleep(500);
      }
    }
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}
