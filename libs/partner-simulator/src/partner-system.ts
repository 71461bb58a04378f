import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionOptions } from 'node:tls';
import {
  EVENT_DATA_CLASSES,
  EVENT_TYPES,
  SubmittedReferralData,
  cloudEventHeaders,
  fromTopic,
  isEventType,
  isUuid,
  toTopic,
  validatePayload,
  type CloudEvent,
} from '@hub/contracts';
import {
  Kafka,
  Partitioners,
  logLevel,
  type Consumer,
  type IHeaders,
  type KafkaMessage,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import { answerCheckpoint, type CheckpointEvent } from './audit-witnessing';
import { PARTNER_COUNTRIES, type PartnerCountryCode } from './fixtures';
import { decodeHubJson, formatIncoming, formatOutgoing, readHubRecord } from './hub-events';
import {
  react,
  referralIdOf,
  shortName,
  startSubmission,
  type FlowContext,
  type FlowPolicy,
  type HubEvent,
  type ReferralTrack,
} from './referral-flow';
import type { EventSigner, EventVerifier } from './signing';
import type { Witness } from './witness';

/** How to run one partner system. */
export interface PartnerSystemOptions {
  /** The partner country this system speaks for. */
  readonly country: PartnerCountryCode;
  /** Kafka bootstrap servers, `host:port`. */
  readonly brokers: readonly string[];
  /** Consumer group: the offsets of `referral-hub.to.<CC>` this system has handled. */
  readonly groupId: string;
  readonly policy: FlowPolicy;
  /** Pause before each answer, so that a person can follow the flow (0: answer at once). */
  readonly delayMs: number;
  /** Kafka client id; defaults to `partner-simulator-<CC>`. */
  readonly clientId?: string;
  /**
   * SASL login as the country's principal, on a secured broker; plaintext without. Its ACLs let
   * it read `to.<CC>`, write `from.<CC>` and use consumer groups named `<principal>-…`.
   */
  readonly sasl?: SASLOptions;
  /**
   * TLS (Node's options: the CA, and our certificate and key on a broker that wants one); none
   * without. On the local broker in tls mode, a client certificate's CN is the principal.
   */
  readonly ssl?: ConnectionOptions;
  /** Signs our events; without one they go unsigned. */
  readonly signer?: EventSigner;
  /**
   * Checks the hub's signature of every record of `to.<CC>` before it is acted on. Not optional:
   * anyone who can write to the topic (or sits between the broker and us) could otherwise make
   * us answer referrals the hub never sent.
   */
  readonly hubVerifier: EventVerifier;
  /**
   * The country's witness of the hub's audit log: every `mrh.audit.checkpoint.v1` is given to it
   * and answered with its cosignature or its fork evidence. Without one, checkpoints are logged.
   */
  readonly witness?: Pick<Witness, 'witness'>;
  /** Where the readable log lines go; defaults to `console.log`. */
  readonly log?: (line: string) => void;
  /** kafkajs's own logging, into `log`; defaults to warnings and errors. */
  readonly kafkaLogLevel?: logLevel;
}

/** How long {@link PartnerSystem.start} waits for the hub to create the topics. */
const TOPIC_WAIT_MS = 120_000;

/**
 * One partner country's national system, simulated: it reads what the hub sends to the country's
 * parties on `referral-hub.to.<CC>`, answers as their officers would (see `referral-flow.ts`) on
 * `referral-hub.from.<CC>`, and can submit a referral of its own to a Lao party.
 *
 * What is remembered of each referral lives in memory: a real partner system keeps it in its
 * database, next to the consumer offsets, so that it survives a restart.
 */
export class PartnerSystem {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly consumer: Consumer;
  private readonly tracks = new Map<string, ReferralTrack>();
  /** Cut short pauses (and the wait for topics) when we stop. */
  private readonly stopping = new AbortController();
  private readonly log: (line: string) => void;
  private readonly context: FlowContext;
  private refused = 0;
  /** Our audit events the hub has not answered yet: event id → short type, for the log. */
  private readonly auditPending = new Map<string, string>();

  constructor(private readonly options: PartnerSystemOptions) {
    const { country } = options;
    this.log = options.log ?? ((line) => console.log(line));
    this.context = {
      country,
      policy: options.policy,
      newId: randomUUID,
      now: () => new Date(),
    };
    this.kafka = new Kafka({
      clientId: options.clientId ?? `partner-simulator-${country}`,
      brokers: [...options.brokers],
      ...(options.sasl !== undefined && { sasl: options.sasl }),
      ...(options.ssl !== undefined && { ssl: options.ssl }),
      logLevel: options.kafkaLogLevel ?? logLevel.WARN,
      logCreator:
        () =>
        ({ level, log }) =>
          this.log(`${country} kafka ${levelName(level)}: ${log.message}`),
    });
    // Idempotent with one request in flight: a retried send can neither duplicate nor reorder
    // our events, and one referral's events must reach the hub in the order we decided them.
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // The Java client's partitioner, so that a key lands where any other client would put it.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // Leaving the group waits for the fetch in progress: keep it short so Ctrl-C is quick.
      maxWaitTimeInMs: 1000,
    });
  }

  /** The topic the hub writes to us on. */
  get inbound(): string {
    return toTopic(this.options.country);
  }

  /** The topic we write to the hub on. */
  get outbound(): string {
    return fromTopic(this.options.country);
  }

  /**
   * Connects, waits until the hub has created the country's topics, and starts answering. A new
   * consumer group starts at the end of `to.<CC>` (`fromBeginning: false`): the simulator answers
   * what arrives from now on, not the history.
   */
  async start(): Promise<void> {
    await this.waitForTopics();
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.inbound, fromBeginning: false });
    // One message at a time (kafkajs's default): a referral's events share a partition and
    // must be handled in order; the simulator does not need more throughput than that.
    await this.consumer.run({
      eachMessage: (payload) => this.handle(payload.message, () => payload.heartbeat()),
    });
    const { country, policy } = this.options;
    const parties = PARTNER_COUNTRIES[country].parties.join(', ');
    this.log(
      `${country} partner simulator for ${parties}: reading ${this.inbound}, writing ${this.outbound}` +
        ` (decision ${policy.decision}, hand-over ${onOff(policy.handover)},` +
        ` complete ${onOff(policy.complete)}, delay ${this.options.delayMs} ms,` +
        ` ${this.options.signer ? `signing as ${this.options.signer.kid}` : 'unsigned'},` +
        ` verifying the hub's signatures (kid ${this.options.hubVerifier.kid}),` +
        ` ${this.options.witness ? 'witnessing' : 'not witnessing'} the audit log,` +
        ` ${this.options.sasl ? `logged in as ${loginName(this.options.sasl)}` : 'no login'}` +
        ` ${this.options.ssl ? 'over TLS' : 'in plaintext'})`,
    );
  }

  /** Stops: the message in hand is finished (its pause cut short), then both clients disconnect. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  /**
   * Submits a referral of our own to a Lao party. The content is checked against the contract's
   * class first, so that a mistake shows here rather than as the hub's rejection.
   *
   * @returns the new referral's id
   */
  async submit(data: SubmittedReferralData): Promise<string> {
    const checked = validatePayload(SubmittedReferralData, data);
    if (!checked.ok) {
      const errors = checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
      throw new Error(`the referral is not valid: ${errors}`);
    }
    const { track, event } = startSubmission(data, this.context);
    await this.send(event);
    this.tracks.set(track.referralId, track);
    return track.referralId;
  }

  /** What the system knows of a referral (for tests and for curious readers). */
  trackOf(referralId: string): ReferralTrack | undefined {
    return this.tracks.get(referralId);
  }

  /** How many records of `to.<CC>` were refused for a bad hub signature since the start. */
  get refusedSignatures(): number {
    return this.refused;
  }

  /**
   * Handles one record of `to.<CC>`: read, verify the hub's signature, decode, react, send. A
   * record that is unreadable or not signed by the hub is logged and skipped, never answered.
   * The track is stored only after our events are sent: if a send fails, kafkajs hands us the
   * record again and we decide again.
   */
  async handle(message: KafkaMessage, heartbeat: () => Promise<void> = noop): Promise<void> {
    const { country } = this.options;
    const record = readHubRecord(message.value, header(message.headers, 'content-type'));
    if (!record.ok) {
      this.skipUnreadable(message, record.reason);
      return;
    }
    // Verified on the JSON as it arrived, before any of it is believed or normalised: that object
    // is what the hub signed, and nothing the hub did not sign may steer the flow.
    const signature = this.options.hubVerifier.verify(record.json);
    if (!signature.ok) {
      this.refused += 1;
      this.log(
        `${country} ✘ refused ${recordName(record.json, message)}: bad hub signature (${printable(signature.reason)})`,
      );
      return;
    }
    const decoded = decodeHubJson(record.json);
    if (!decoded.ok) {
      this.skipUnreadable(message, decoded.reason);
      return;
    }
    const { event } = decoded;
    if (event.type === EVENT_TYPES.auditCheckpoint) {
      await this.witnessCheckpoint(event);
      return;
    }
    if (
      (event.type === EVENT_TYPES.receipt || event.type === EVENT_TYPES.eventRejected) &&
      this.auditPending.has(event.data.eventId)
    ) {
      this.auditAnswered(event);
      return;
    }
    const referralId = referralIdOf(event);
    const known = referralId === undefined ? undefined : this.tracks.get(referralId);
    const reaction = react(known, event, this.context);
    this.log(formatIncoming(country, event, reaction.note));
    for (const confirmation of reaction.confirmations) await this.send(confirmation);
    if (reaction.answer) {
      await this.pause(heartbeat);
      await this.send(reaction.answer);
    }
    if (reaction.track) this.tracks.set(reaction.track.referralId, reaction.track);
  }

  /**
   * Gives a checkpoint to the witness and sends its answer, keyed by the tree size. The witness
   * stores its decision before answering, so when the send fails and kafkajs hands the record
   * over again, it decides the same way (a checkpoint is delivered at least once).
   */
  private async witnessCheckpoint(event: CheckpointEvent): Promise<void> {
    const { country } = this.options;
    const witness = this.options.witness;
    if (witness === undefined) {
      this.log(formatIncoming(country, event, 'no witness configured, not cosigned'));
      return;
    }
    const outcome = await witness.witness(event.data.checkpoint);
    const answer = answerCheckpoint(outcome, event, this.context);
    this.log(formatIncoming(country, event, answer.note));
    if (answer.event === undefined) return;
    await this.send(answer.event, answer.key);
    this.auditPending.set(answer.event.id, shortName(answer.event.type));
  }

  /** The hub's receipt or rejection of one of our audit events: logged; no referral is concerned. */
  private auditAnswered(
    event: Extract<
      HubEvent,
      { type: typeof EVENT_TYPES.receipt | typeof EVENT_TYPES.eventRejected }
    >,
  ): void {
    const ours = this.auditPending.get(event.data.eventId) ?? 'event';
    this.auditPending.delete(event.data.eventId);
    const note =
      event.type === EVENT_TYPES.receipt
        ? `our ${ours} ${event.data.status.toLowerCase()}`
        : `our ${ours} REFUSED ${event.data.code}: ${event.data.detail}`;
    this.log(formatIncoming(this.options.country, event, note));
  }

  private skipUnreadable(message: KafkaMessage, reason: string): void {
    const key = message.key?.toString() ?? '-';
    this.log(`${this.options.country} ← unreadable record (key ${key}), skipped: ${reason}`);
  }

  /**
   * Sends one of our events: checked against its data class (a mistake here is a bug of ours,
   * better caught before the hub refuses it), signed, keyed by the referral id (or `key`), in
   * structured mode with the `ce_*` routing headers.
   */
  private async send(event: CloudEvent<object>, key?: string): Promise<void> {
    if (!isEventType(event.type)) throw new Error(`not a contract event type: ${event.type}`);
    const checked = validatePayload(EVENT_DATA_CLASSES[event.type], event.data);
    if (!checked.ok) {
      const errors = checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
      throw new Error(`our ${event.type} is not valid: ${errors}`);
    }
    const signed = this.options.signer ? this.options.signer.sign(event) : event;
    await this.producer.send({
      topic: this.outbound,
      acks: -1,
      messages: [
        {
          key: key ?? signed.subject ?? signed.id,
          value: JSON.stringify(signed),
          headers: cloudEventHeaders(signed),
        },
      ],
    });
    this.log(formatOutgoing(this.options.country, signed));
  }

  /**
   * The officer's pause before answering. The consumer would be thrown out of its group if it
   * went silent for the session timeout, so a long pause keeps heartbeating.
   */
  private async pause(heartbeat: () => Promise<void>): Promise<void> {
    let left = this.options.delayMs;
    while (left > 0 && !this.stopping.signal.aborted) {
      const step = Math.min(left, 1000);
      try {
        await sleep(step, undefined, { signal: this.stopping.signal });
      } catch {
        return; // Stopping: answer now rather than leave the decision half made.
      }
      left -= step;
      await heartbeat();
    }
  }

  /** The hub creates the topics at start-up; a simulator started next to it may be first. */
  private async waitForTopics(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const deadline = Date.now() + TOPIC_WAIT_MS;
      let told = false;
      for (;;) {
        const existing = new Set(await admin.listTopics());
        const missing = [this.inbound, this.outbound].filter((t) => !existing.has(t));
        if (missing.length === 0) return;
        // On a secured broker, metadata lists only the topics our principal may use: a topic
        // we are not allowed to see looks exactly like one that does not exist yet.
        const hidden = this.options.sasl ? ' (or for ACLs that let us see them)' : '';
        if (Date.now() > deadline) {
          throw new Error(
            `topics ${missing.join(', ')} do not exist${hidden ? ' or are not ours to see' : ''} ` +
              '(is the hub running?)',
          );
        }
        if (!told) {
          this.log(
            `${this.options.country} waiting for the hub to create ${missing.join(', ')}${hidden}`,
          );
          told = true;
        }
        await sleep(2000, undefined, { signal: this.stopping.signal });
      }
    } finally {
      await admin.disconnect();
    }
  }
}

/**
 * How a refused record is named in the log: its event id when that is a UUID, else its offset and
 * key. The id of an unverified record may be any text, so only the UUID form is trusted to print.
 */
function recordName(json: Readonly<Record<string, unknown>>, message: KafkaMessage): string {
  const id = json['id'];
  if (isUuid(id)) return id;
  return `record at offset ${message.offset} (key ${printable(message.key?.toString() ?? '-')})`;
}

/**
 * Unverified text made fit for one log line: control characters escaped (a newline in it could
 * forge a line of its own) and a length cap.
 */
function printable(text: string): string {
  const escaped = text.replace(
    /\p{Cc}/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.toString();
}

/** kafkajs's `logLevel` has no reverse mapping from number to name. */
function levelName(level: logLevel): string {
  switch (level) {
    case logLevel.ERROR:
      return 'error';
    case logLevel.WARN:
      return 'warn';
    case logLevel.INFO:
      return 'info';
    case logLevel.DEBUG:
      return 'debug';
    case logLevel.NOTHING:
      return '';
  }
}

/** The user of a SASL login, without its secret (kafkajs's union also has OAuth and AWS). */
function loginName(sasl: SASLOptions): string {
  return 'username' in sasl ? `${sasl.username} (${sasl.mechanism})` : sasl.mechanism;
}

function onOff(flag: boolean): string {
  return flag ? 'on' : 'off';
}

function noop(): Promise<void> {
  return Promise.resolve();
}
