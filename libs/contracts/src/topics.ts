import type { CountryCode } from './party-code';

/** Prefix shared by every topic of the hub. */
export const TOPIC_PREFIX = 'referral-hub';

/**
 * Topic the hub writes every event addressed to a party of `country` on; only that country's
 * partner system may read it. Record key: the referral id.
 */
export function toTopic(country: CountryCode): string {
  return `${TOPIC_PREFIX}.to.${country}`;
}

/** Topic the partner system of `country` writes its events on; only the hub reads it. */
export function fromTopic(country: CountryCode): string {
  return `${TOPIC_PREFIX}.from.${country}`;
}

/**
 * Dead-letter topic of `fromTopic(country)`: inbound records the hub refused, unchanged, with
 * reason headers (`mrh-dlq-code`, `mrh-dlq-detail`, original topic/partition/offset).
 */
export function deadLetterTopic(country: CountryCode): string {
  return `${fromTopic(country)}.dlq`;
}

/** The three topics that exist for each partner country. */
export function topicsOfCountry(country: CountryCode): readonly string[] {
  return [toTopic(country), fromTopic(country), deadLetterTopic(country)];
}
