import {
  createPrivateKey,
  randomBytes,
  randomUUID,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  EVENT_TYPES,
  cloudEventHeaders,
  partySource,
  signEvent,
  toTopic,
  type CloudEvent,
} from '@hub/contracts';
import type { Pool } from 'pg';
import { DEV_DATA_MASTER_KEY, DEV_KEYS_DIR } from '../../src/auth/dev-keys';
import { HubSigningKey } from '../../src/common/hub-signing-key';
import { DataKey } from '../../src/vault/data-key';
import { MasterKeyRing } from '../../src/vault/master-key-ring';
import { personFacts } from '../../src/referrals/person-facts';
import { SEALED } from '../../src/referrals/referral.repository';
import { repoRoot } from '../lib/repo-root';

/** The sender of every benchmark referral (a Lao agency on the HTTP API). */
export const SENDER = 'LA-BOKEO-POLICE';

/** The contract's victim repatriation example, as an officer would post it. */
export function exampleReferral(): Record<string, unknown> {
  const file = join(repoRoot(), 'libs/contracts/src/referral/examples/victim-repatriation.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** Receiving party, its country and the topic the hub writes for it. */
export function receiverOf(content: Record<string, unknown>): {
  party: string;
  country: string;
  topic: string;
} {
  const party = String(content['to']);
  const country = party.slice(0, 2);
  return { party, country, topic: toTopic(country) };
}

/** The development master key, as the hub loads it. */
export function masterKeys(): MasterKeyRing {
  return MasterKeyRing.fromFile(join(repoRoot(), DEV_KEYS_DIR, DEV_DATA_MASTER_KEY));
}

/**
 * Inserts `ids.length` drafts as `POST /v1/referrals` would store them (setup, not measured):
 * content sealed with a data key of each draft's own, the key stored wrapped. The benchmark times
 * their submission, the step that reaches the partner. Returns each draft's data key.
 */
export async function insertDrafts(
  pool: Pool,
  ids: readonly string[],
  content: Record<string, unknown>,
): Promise<Map<string, DataKey>> {
  const { party } = receiverOf(content);
  const ring = masterKeys();
  const facts = personFacts(content, new Date());
  const keys = new Map<string, DataKey>();
  for (let i = 0; i < ids.length; i += 2000) {
    const batch = ids.slice(i, i + 2000);
    const sealed: Buffer[] = [];
    const wrapped: Buffer[] = [];
    for (const id of batch) {
      const raw = randomBytes(32);
      const key = new DataKey(id, raw);
      keys.set(id, key);
      sealed.push(key.sealJson(SEALED.content, content));
      wrapped.push(ring.wrap(raw, id).wrapped);
    }
    await pool.query(
      `WITH drafts AS (
         INSERT INTO referrals (id, type, status, priority, sender_party, receiver_party,
           sender_country, receiver_country, sender_reference, handling_code, origin,
           sealed_content, person_sex, person_nationality, person_minor, exploitation_types,
           version, seq, created_by)
         SELECT d.id, $2, 'DRAFT', $3, $4, $5, left($4, 2), left($5, 2), $6, $7, 'http', d.sealed,
           $8, $9, $10, $11, 1, 0, 'bench-officer'
         FROM unnest($1::uuid[], $12::bytea[]) AS d (id, sealed)
         RETURNING id)
       INSERT INTO referral_keys (referral_id, master_key_id, wrapped_key)
       SELECT k.id, $13, k.wrapped FROM unnest($1::uuid[], $14::bytea[]) AS k (id, wrapped)`,
      [
        batch,
        content['type'],
        content['priority'],
        SENDER,
        party,
        content['senderReference'],
        content['handlingCode'],
        facts.sex,
        facts.nationality,
        facts.minor,
        facts.exploitationTypes,
        sealed,
        ring.currentKid,
        wrapped,
      ],
    );
  }
  return keys;
}

/** A record as the relay (or a bare producer) sends it. */
export interface OutboundRecord {
  eventId: string;
  referralId: string;
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** The hub's signing key from the development keys, as the hub loads it. */
export function hubKey(): HubSigningKey {
  return HubSigningKey.fromJwkFile(
    join(repoRoot(), '.dev/keys/hub.private.jwk'),
    'mekong-referral-hub/audit',
  );
}

/**
 * `count` signed `mrh.referral.submitted.v1` events as the hub writes them to its outbox: the
 * same records feed the bare producer (reference) and the pre-filled outbox (the relay).
 */
export function submittedEvents(
  count: number,
  content: Record<string, unknown>,
  key: HubSigningKey,
): OutboundRecord[] {
  const { party, topic } = receiverOf(content);
  const records: OutboundRecord[] = [];
  for (let i = 0; i < count; i++) {
    const referralId = randomUUID();
    const event: CloudEvent = {
      specversion: '1.0',
      id: randomUUID(),
      source: partySource(SENDER),
      type: EVENT_TYPES.referralSubmitted,
      subject: referralId,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      recipient: party,
      referralseq: 1,
      data: {
        ...content,
        referralId,
        from: SENDER,
        to: party,
        submittedAt: new Date().toISOString(),
      },
    };
    const signed = signEvent(event, key.privateKey, key.kid);
    records.push({
      eventId: signed.id,
      referralId,
      topic,
      key: referralId,
      value: JSON.stringify(signed),
      headers: cloudEventHeaders(signed),
    });
  }
  return records;
}

function partnerPrivateKey(country: string): { key: KeyObject; kid: string } {
  const file = join(repoRoot(), '.dev/keys', `partner-${country}.private.jwk`);
  const jwk = JSON.parse(readFileSync(file, 'utf8')) as JsonWebKey & { kid: string };
  return { key: createPrivateKey({ key: jwk, format: 'jwk' }), kid: jwk.kid };
}

/** A partner record on `referral-hub.from.CC`, as the partner's system sends it. */
export interface InboundRecordSpec {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * The receiving partner system acknowledging each submitted referral (having seen referralseq 1),
 * signed with the country's development key: validated, signature-checked, de-duplicated,
 * applied and receipted by the hub.
 */
export function acknowledgements(
  referralIds: readonly string[],
  content: Record<string, unknown>,
): InboundRecordSpec[] {
  const { party, country } = receiverOf(content);
  const { key, kid } = partnerPrivateKey(country);
  return referralIds.map((referralId) => {
    const event: CloudEvent = {
      specversion: '1.0',
      id: randomUUID(),
      source: partySource(party),
      type: EVENT_TYPES.referralAcknowledged,
      subject: referralId,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      referralseq: 1,
      data: { referralId, receiverReference: `VN-${referralId.slice(0, 8)}` },
    };
    const signed = signEvent(event, key, kid);
    return {
      key: referralId,
      value: JSON.stringify(signed),
      headers: {
        'content-type': CLOUDEVENTS_CONTENT_TYPE,
        ce_id: signed.id,
        ce_type: signed.type,
        ce_source: signed.source,
      },
    };
  });
}
