/** How the hub connects to Kafka over TLS: built from `KAFKA_SSL*` (see `src/kafka`). */
export interface KafkaTlsSettings {
  /** PEM of the CA certificates the broker's must chain to; undefined: Node's trusted CAs. */
  ca?: string;
  /** The hub's client certificate and key (mutual TLS), both PEM. */
  clientCertificate?: { cert: string; key: string; passphrase?: string };
  /** Where the CA came from (`KAFKA_SSL_CA_FILE=…`), for messages about a broker it refuses. */
  caSource: string;
}
