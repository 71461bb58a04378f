/** How the hub logs in to Kafka: a SASL login built from `KAFKA_SASL_*` (see `src/kafka`). */
export interface KafkaLogin {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}
