import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { topicsOfCountry } from '@hub/contracts';
import { AppConfig } from '../config/app-config';
import type { TopicSpec } from './kafka-client';
import { KafkaGateway } from './kafka-gateway';

/**
 * Creates the hub's topics (`to`, `from`, `from…dlq` per partner country) at start-up. Kafka
 * being down must not stop the HTTP API from starting, so it keeps trying in the background and
 * readiness reports Kafka down until the topics exist.
 */
@Injectable()
export class TopicProvisioner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TopicProvisioner.name);
  private provisioned = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly config: AppConfig,
    @Inject(KafkaGateway) private readonly kafka: KafkaGateway,
  ) {}

  /** Every topic the hub needs, with the configured partitions and replication. */
  topics(): TopicSpec[] {
    return this.config.registry.partnerCountries().flatMap((country) =>
      topicsOfCountry(country).map((topic) => ({
        topic,
        numPartitions: this.config.env.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: this.config.env.KAFKA_REPLICATION_FACTOR,
      })),
    );
  }

  get isProvisioned(): boolean {
    return this.provisioned;
  }

  /** Resolves once every topic exists (immediately if they already do). */
  whenProvisioned(): Promise<void> {
    if (this.provisioned) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  onApplicationBootstrap(): void {
    if (!this.config.env.KAFKA_CREATE_TOPICS) {
      this.markProvisioned();
      return;
    }
    void this.attempt(1);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async attempt(attempt: number): Promise<void> {
    if (this.stopped) return;
    try {
      const created = await this.kafka.ensureTopics(this.topics());
      if (created.length > 0) this.logger.log(`created topics ${created.join(', ')}`);
      this.markProvisioned();
    } catch (error) {
      const delay = Math.min(30000, 500 * 2 ** Math.min(attempt, 6));
      this.logger.warn(
        `cannot create Kafka topics yet (attempt ${attempt}): ${this.kafka.describeFailure(error)}; retrying in ${delay} ms`,
      );
      if (this.isRunning()) this.timer = setTimeout(() => void this.attempt(attempt + 1), delay);
    }
  }

  /** Re-read after awaits: shutdown may have happened meanwhile. */
  private isRunning(): boolean {
    return !this.stopped;
  }

  private markProvisioned(): void {
    this.provisioned = true;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
