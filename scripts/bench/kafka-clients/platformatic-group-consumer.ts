import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';
import type { Logger as PinoLogger } from 'pino';
import type { ConsumedRecord, GroupConsumerOptions } from '../../../src/kafka/kafka-client';
import { RestartingGroupConsumer } from '../../../src/kafka/restarting-group-consumer';
import { closeForcibly, type ClientConnection } from './platformatic-producer';

/** Records read ahead of the handlers; past it the stream stops fetching until they catch up. */
const MAX_QUEUED = 4000;

type Fetched = Message;

/** The records of one partition waiting for its handler, which runs one batch at a time. */
interface PartitionWork {
  topic: string;
  partition: number;
  queued: Fetched[];
  /** Offset after the last record queued: a record below it was fetched again after a rejoin. */
  next: bigint;
  busy: boolean;
  /** False once the partition was revoked: its running batch is stale and not committed. */
  owned: boolean;
}

/**
 * {@link GroupConsumer} on `@platformatic/kafka` (measured by `npm run bench:kafka-clients`, not
 * used by the hub). The client hands out a stream of single messages; this adapter groups them
 * into per-partition batches as kafkajs's `eachBatch` does: each partition is handled one batch at
 * a time, at most `partitionsConcurrently` partitions at once, and the offset after the record the
 * handler returns is committed (with that record's leader epoch) only after it resolved.
 * Autocommit is off. Reading starts at the group's committed offset, else at the earliest one.
 * A throwing handler or a failing stream restarts the member (see {@link RestartingGroupConsumer}).
 * Heartbeats run in the client's own timer, so the batch's `heartbeat()` has nothing to do.
 */
export class PlatformaticGroupConsumer extends RestartingGroupConsumer {
  private consumer: Consumer | undefined;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private readonly work = new Map<string, PartitionWork>();
  private readonly ready: PartitionWork[] = [];
  private readonly running = new Set<Promise<void>>();
  private queued = 0;

  constructor(
    private readonly connection: ClientConnection,
    options: GroupConsumerOptions,
    logger: PinoLogger,
  ) {
    super(options, logger);
  }

  protected async join(member: number): Promise<void> {
    this.forgetAll();
    const consumer = new Consumer({
      clientId: this.connection.clientId,
      bootstrapBrokers: [...this.connection.brokers],
      groupId: this.options.groupId,
      autocommit: false,
      autocreateTopics: false,
      // The kafkajs gateway's group timings, so a crashed member's partitions move as fast.
      sessionTimeout: 10_000,
      rebalanceTimeout: 15_000,
      heartbeatInterval: 1000,
    });
    this.consumer = consumer;
    consumer.on('consumer:group:join', () => this.reassigned(member));
    const stream = await consumer.consume({
      topics: [...this.options.topics],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
    });
    this.stream = stream;
    stream.on('data', (message: Fetched) => this.enqueue(member, message));
    stream.on('error', (error: Error) => this.crashed(member, error));
  }

  /**
   * Handlers see stopped() and end; their commits go out before the consumer leaves the group.
   * The client is closed without waiting for its own pending work.
   */
  protected async leave(): Promise<void> {
    await Promise.allSettled([...this.running]);
    const { stream, consumer } = this;
    this.stream = undefined;
    this.consumer = undefined;
    await stream?.close().catch(() => undefined);
    if (consumer) await closeForcibly(consumer);
  }

  private enqueue(member: number, message: Fetched): void {
    if (member !== this.member || this.isStopping) return;
    const key = `${message.topic}:${message.partition}`;
    let work = this.work.get(key);
    if (!work) {
      work = {
        topic: message.topic,
        partition: message.partition,
        queued: [],
        next: -1n,
        busy: false,
        owned: true,
      };
      this.work.set(key, work);
    }
    if (message.offset < work.next) return;
    work.next = message.offset + 1n;
    work.queued.push(message);
    this.queued++;
    if (this.queued >= MAX_QUEUED) this.stream?.pause();
    if (!work.busy && !this.ready.includes(work)) this.ready.push(work);
    this.dispatch(member);
  }

  private dispatch(member: number): void {
    while (this.running.size < this.options.partitionsConcurrently && this.ready.length > 0) {
      const work = this.ready.shift();
      if (!work || work.queued.length === 0) continue;
      const done: Promise<void> = this.handle(member, work).finally(() => {
        this.running.delete(done);
        if (work.queued.length > 0 && work.owned) this.ready.push(work);
        if (member === this.member) this.dispatch(member);
      });
      this.running.add(done);
    }
  }

  private async handle(member: number, work: PartitionWork): Promise<void> {
    const messages = work.queued;
    work.queued = [];
    work.busy = true;
    this.queued -= messages.length;
    if (this.queued < MAX_QUEUED / 2 && this.stream?.isPaused()) this.stream.resume();
    const stale = (): boolean => this.isStopping || member !== this.member || !work.owned;
    try {
      const last = await this.options.handle({
        topic: work.topic,
        partition: work.partition,
        records: messages.map(toRecord),
        heartbeat: () => Promise.resolve(),
        stopped: stale,
      });
      // A batch of a revoked partition or a restarted member is not committed; on stop it is.
      if (last === undefined || member !== this.member || !work.owned) return;
      const finished = messages.find((m) => m.offset === BigInt(last));
      if (!finished) throw new Error(`handler returned offset ${last}, not one of its batch`);
      // The message's own commit: offset + 1, with the leader epoch it was fetched under.
      await finished.commit();
    } catch (error) {
      this.crashed(member, error as Error);
    } finally {
      work.busy = false;
    }
  }

  /** After a rejoin: revoked partitions are dropped; kept ones go on (re-fetched records skipped). */
  private reassigned(member: number): void {
    if (member !== this.member) return;
    const assigned = new Set(
      (this.consumer?.assignments ?? []).flatMap((a) => a.partitions.map((p) => `${a.topic}:${p}`)),
    );
    for (const [key, work] of this.work) {
      if (assigned.has(key)) continue;
      work.owned = false;
      this.queued -= work.queued.length;
      work.queued = [];
      this.work.delete(key);
    }
  }

  private forgetAll(): void {
    for (const work of this.work.values()) work.owned = false;
    this.work.clear();
    this.ready.length = 0;
    this.queued = 0;
  }
}

function toRecord(message: Fetched): ConsumedRecord {
  const headers: ConsumedRecord['headers'] = {};
  for (const [name, value] of message.headers) {
    const key = name.toString();
    headers[key] ??= value;
  }
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset.toString(),
    key: orNull(message.key),
    value: orNull(message.value),
    headers,
  };
}

/** Keys and values are typed as always there, but an absent one comes as undefined. */
function orNull(data: Buffer | undefined): Buffer | null {
  return data ?? null;
}
