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
import { durabilityProblems } from './topic-durability';

/**
 * Creates the hub's topics (`to`, `from`, `from…dlq` per partner country) at start-up and checks
 * that the cluster keeps them as durably as the settings ask ({@link durabilityProblems}). Kafka
 * being down must not stop the HTTP API from starting, so it keeps trying in the background and
 * readiness reports Kafka down until the topics exist. A cluster that answers but cannot keep the
 * topics durably is no outage but a configuration to fix: the provisioner gives up, readiness
 * never turns green, and `main.ts` stops the process ({@link whenRefused}).
 */
@Injectable()
export class TopicProvisioner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TopicProvisioner.name);
  private provisioned = false;
  private problems: readonly string[] | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiters: (() => void)[] = [];
  private readonly refusalWaiters: ((problems: readonly string[]) => void)[] = [];

  constructor(
    private readonly config: AppConfig,
    @Inject(KafkaGateway) private readonly kafka: KafkaGateway,
  ) {}

  /** Every topic the hub needs, with the configured partitions and replication. */
  topics(): TopicSpec[] {
    const env = this.config.env;
    return this.config.registry.partnerCountries().flatMap((country) =>
      topicsOfCountry(country).map((topic) => ({
        topic,
        numPartitions: env.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: env.KAFKA_REPLICATION_FACTOR,
        minInsyncReplicas: env.KAFKA_MIN_INSYNC_REPLICAS,
      })),
    );
  }

  get isProvisioned(): boolean {
    return this.provisioned;
  }

  /** Why the cluster cannot keep the topics as durably as configured; undefined until it is known. */
  get refusal(): readonly string[] | undefined {
    return this.problems;
  }

  /** Resolves once every topic exists (immediately if they already do). */
  whenProvisioned(): Promise<void> {
    if (this.provisioned) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves with the problems if the cluster turns out unable to keep the topics durably. */
  whenRefused(): Promise<readonly string[]> {
    if (this.problems !== undefined) return Promise.resolve(this.problems);
    return new Promise((resolve) => this.refusalWaiters.push(resolve));
  }

  onApplicationBootstrap(): void {
    // Topics managed elsewhere: neither created nor checked (and nothing retries in the background).
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
      const wanted = this.topics();
      const names = wanted.map((t) => t.topic);
      // Checked before creating too: with fewer brokers than replicas, creating would only fail
      // again and again as if Kafka were down.
      if (this.refused(durabilityProblems(wanted, await this.kafka.describeReplication(names)))) {
        return;
      }
      const created = await this.kafka.ensureTopics(wanted);
      if (created.length > 0) this.logger.log(`created topics ${created.join(', ')}`);
      if (this.refused(durabilityProblems(wanted, await this.kafka.describeReplication(names)))) {
        return;
      }
      this.markProvisioned();
    } catch (error) {
      const delay = Math.min(30000, 500 * 2 ** Math.min(attempt, 6));
      this.logger.warn(
        `cannot create Kafka topics yet (attempt ${attempt}): ${this.kafka.describeFailure(error)}; retrying in ${delay} ms`,
      );
      if (this.isRunning()) this.timer = setTimeout(() => void this.attempt(attempt + 1), delay);
    }
  }

  /** Records `problems` (if any) as final, says each, and tells who waits; true if any. */
  private refused(problems: readonly string[]): boolean {
    if (problems.length === 0) return false;
    this.problems = problems;
    for (const problem of problems) this.logger.error(problem);
    for (const resolve of this.refusalWaiters.splice(0)) resolve(problems);
    return true;
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
