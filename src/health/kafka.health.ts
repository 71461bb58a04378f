import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { KafkaProbeResult } from '../kafka/kafka-client';
import { KafkaGateway } from '../kafka/kafka-gateway';
import { TopicProvisioner } from '../kafka/topic-provisioner';

function downMessage(probe: Exclude<KafkaProbeResult, { up: true }>): string {
  switch (probe.reason) {
    case 'authentication-failed':
      return "the Kafka cluster refuses the hub's credentials (KAFKA_SASL_*)";
    case 'tls':
      return probe.detail;
    case 'unreachable':
      return 'the Kafka cluster does not answer';
  }
}

/**
 * Kafka is ready when the cluster answers a metadata request and the hub's topics exist, as
 * durably replicated as configured.
 */
@Injectable()
export class KafkaHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(KafkaGateway) private readonly kafka: KafkaGateway,
    @Inject(TopicProvisioner) private readonly topics: TopicProvisioner,
  ) {}

  async check(key: 'kafka'): Promise<HealthIndicatorResult<'kafka'>> {
    const session = this.health.check(key);
    const probe = await this.kafka.probe(2000);
    if (!probe.up) return session.down({ message: downMessage(probe) });
    const refusal = this.topics.refusal;
    if (refusal !== undefined) {
      // A configuration to fix, not an outage: the instance stops (main.ts) and is never ready.
      return session.down({
        message: "the Kafka cluster cannot keep the hub's topics as durably as configured",
        problems: refusal,
      });
    }
    if (!this.topics.isProvisioned) {
      return session.down({ message: "the hub's topics are not created yet" });
    }
    return session.up();
  }
}
