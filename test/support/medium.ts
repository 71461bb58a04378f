import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import pino from 'pino';
import { CLOUDEVENTS_CONTENT_TYPE, fromTopic, signEvent, type CloudEvent } from '@hub/contracts';
import { AuditTrailModule } from '../../src/audit-trail/audit-trail.module';
import { LoggingModule } from '../../src/common/logging/logging.module';
import { AppConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { dropDatabase } from '../../src/database/ensure-database';
import { migrateDatabase } from '../../src/database/migrate';
import { Transactions, type Tx } from '../../src/database/transactions';
import { loadEnv } from '../../src/env';
import { loadPartyRegistry } from '../../src/parties/party-registry';
import { DeadLetterPublisher, type InboundRecord } from '../../src/partners/dead-letter-publisher';
import type { InboundErrorCode } from '../../src/partners/inbound-error';
import { PartnersModule } from '../../src/partners/partners.module';
import { ReferralsModule } from '../../src/referrals/referrals.module';
import { sealedEventPurpose } from '../../src/outbox/outbox-writer';
import { PersonalDataVault, type StoredKey } from '../../src/vault/personal-data-vault';
import { PersonalDataModule } from '../../src/vault/vault.module';
import { appRoleUrl, scratchDatabaseUrl } from './databases';
import { partnerKey, partnerKid } from './test-partner';

/** A dead letter as the processor would have published it. */
export interface DeadLetter {
  record: InboundRecord;
  code: InboundErrorCode;
  detail: string;
}

/**
 * The medium tier (immich's "medium" tests): the referral commands and the inbound processor as
 * the hub wires them, on a real PostgreSQL with the real migrations in a database of their own,
 * and no Kafka — the outbox is rows to read, and dead letters are kept in a list instead of being
 * sent. Nothing is started (no relay, consumer or scans): a test calls the services directly.
 */
export class MediumContext {
  private offset = 0;

  private constructor(
    readonly module: TestingModule,
    readonly deadLetters: DeadLetter[],
    private readonly ownerUrl: string,
  ) {}

  static async start(): Promise<MediumContext> {
    const ownerUrl = scratchDatabaseUrl('medium');
    await migrateDatabase(ownerUrl);
    const app = new URL(appRoleUrl(ownerUrl));
    app.password = '';
    const env = loadEnv({
      ...process.env,
      DATABASE_URL: app.toString(),
      DATABASE_POOL_SIZE: '4',
      KAFKA_SASL_MECHANISM: 'none',
      KAFKA_SASL_USERNAME: '',
      KAFKA_SASL_PASSWORD: '',
      KAFKA_SASL_PASSWORD_FILE: '',
      LOG_LEVEL: 'silent',
    });
    const config = new AppConfig(env, loadPartyRegistry(env.CONFIG_DIR));
    const deadLetters: DeadLetter[] = [];
    const module = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(pino({ level: 'silent' })),
        DatabaseModule,
        PersonalDataModule,
        AuditTrailModule,
        ReferralsModule,
        PartnersModule,
      ],
    })
      .overrideProvider(DeadLetterPublisher)
      .useValue({
        publish: (record: InboundRecord, code: InboundErrorCode, detail: string) => {
          deadLetters.push({ record, code, detail });
          return Promise.resolve();
        },
        onApplicationShutdown: () => Promise.resolve(),
      })
      .compile();
    // Refusals and alarms are what these tests provoke: their log lines would only be noise.
    module.useLogger(false);
    return new MediumContext(module, deadLetters, ownerUrl);
  }

  async stop(): Promise<void> {
    await this.module.close();
    await dropDatabase(this.ownerUrl);
  }

  get<T>(type: new (...args: never[]) => T): T {
    return this.module.get(type);
  }

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.get(Transactions).run(work);
  }

  query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.get(Transactions).query<T>(sql, params);
  }

  /** The events queued for `topic`, oldest first, opened as the relay opens them to send them. */
  async outboxEvents(topic: string): Promise<CloudEvent<Record<string, unknown>>[]> {
    const rows = await this.query<
      StoredKey & {
        event_id: string;
        referral_id: string | null;
        value: string | null;
        sealed_value: Buffer | null;
      }
    >(
      `SELECT o.event_id, o.referral_id, o.value, o.sealed_value, k.master_key_id, k.wrapped_key
         FROM outbox o LEFT JOIN referral_keys k ON k.referral_id = o.referral_id
        WHERE o.topic = $1 ORDER BY o.id`,
      [topic],
    );
    const vault = this.get(PersonalDataVault);
    return rows.map((row) => {
      const text =
        row.sealed_value !== null && row.referral_id !== null
          ? vault
              .fromRow(row.referral_id, row)
              ?.openText(sealedEventPurpose(row.event_id), row.sealed_value)
          : row.value;
      if (text === undefined || text === null)
        throw new Error(`outbox ${row.event_id}: unreadable`);
      return JSON.parse(text) as CloudEvent<Record<string, unknown>>;
    });
  }

  /** A record of `country`'s `from` topic carrying `event`, signed with its development key. */
  record(country: string, event: object, options: { sign?: boolean } = {}): InboundRecord {
    const signed =
      options.sign === false
        ? event
        : signEvent(event as CloudEvent, partnerKey(country), partnerKid(country));
    return {
      country,
      topic: fromTopic(country),
      partition: 0,
      offset: String(this.offset++),
      key: Buffer.from(randomUUID()),
      value: Buffer.from(JSON.stringify(signed)),
      headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
    };
  }
}
