import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { LIFECYCLE_ACTIONS, type LifecycleAction } from '@hub/contracts';
import { DataKey } from '../../src/vault/data-key';
import { MasterKeyRing } from '../../src/vault/master-key-ring';
import { personFacts } from '../../src/referrals/person-facts';
import { SEALED } from '../../src/referrals/referral.repository';

/**
 * A year of referrals (2019, which no other suite touches) whose yearly figures are known by
 * construction, inserted straight into the tables as the database owner. Within 2019 (Lao time):
 *
 * - 210 submitted referrals in 96 cases (case numbers `CASE-2019-000` … `095`, each with 2 or 3
 *   referrals): partners TH (cases 0–39, 98 referrals), VN (40–69), CN (70–92), KH (93–95: 3
 *   cases, 6 referrals). A third of the cases were opened by the partner, the rest by Laos.
 * - 119 suspect hand-offs: 29 women; 81 foreign (10 of them women), 33 Lao, 5 of unknown
 *   nationality. One is submitted at 2019-01-01T00:00+07:00 exactly (inside the period).
 * - 85 victim repatriations: 21 women, 62 men, 1 X, 1 U; 12 minors (6 by birth date, 6 by
 *   estimated age), among them one who turns 18 the day after submission (the adult next to
 *   her turns 18 on the day). Exploitation: forced labour 30, sexual exploitation 25, forced
 *   marriage 12, online sexual exploitation 8, forced criminality 8, surrogacy 2, debt bondage
 *   10 (also counted under another form). 16 completed in 2019, 1 in January 2020.
 * - 6 information requests.
 * - Step times, only for 10 suspect hand-offs with Vietnam (the others carry just their
 *   submission): acknowledged after 1 … 10 h (median 5.5, p90 9.1); decided 24, 48, 72, 96 h
 *   after acknowledgement and 10, 20 h after information was provided (median 36, p90 84);
 *   completed 100 and 200 h after acceptance (median 150, p90 190), 125 and 250 h after
 *   submission (median 187.5, p90 237.5).
 *
 * Outside the figures: 3 drafts, a suspect hand-off submitted one second before 2019, a victim
 * repatriation submitted at 2020-01-01T00:00+07:00, and one submitted in 2018 whose repatriation
 * completed in February 2019 (so 17 repatriations completed in 2019).
 */
export const STATS_DATASET_YEAR = 2019;

type Party = 'LA-PDPCHT' | 'LA-BOKEO-POLICE' | 'TH-POLICE' | 'VN-MPS' | 'CN-MPS' | 'KH-MOI';
type Sex = 'F' | 'M' | 'X' | 'U';

interface PersonFacts {
  sex: Sex;
  nationality?: string;
  birthDate?: string;
  estimatedAge?: number;
}

interface Change {
  action: LifecycleAction;
  at: Date;
}

interface DatasetReferral {
  id: string;
  type: 'SUSPECT_HANDOFF' | 'VICTIM_REPATRIATION' | 'INFORMATION_REQUEST';
  status: string;
  sender: Party;
  receiver: Party;
  reference: string;
  person: PersonFacts;
  exploitation: string[];
  createdAt: Date;
  submittedAt: Date | null;
  closedAt: Date | null;
  changes: Change[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Which statuses each action leaves from and enters (contract v1, "Referral lifecycle"). */
const TRANSITIONS: Record<LifecycleAction, [from: string, to: string]> = {
  submit: ['DRAFT', 'SUBMITTED'],
  acknowledge: ['SUBMITTED', 'ACKNOWLEDGED'],
  'request-info': ['ACKNOWLEDGED', 'INFO_REQUESTED'],
  'provide-info': ['INFO_REQUESTED', 'ACKNOWLEDGED'],
  accept: ['ACKNOWLEDGED', 'ACCEPTED'],
  reject: ['ACKNOWLEDGED', 'REJECTED'],
  'schedule-handover': ['ACCEPTED', 'HANDOVER_SCHEDULED'],
  complete: ['HANDOVER_SCHEDULED', 'COMPLETED'],
  withdraw: ['SUBMITTED', 'WITHDRAWN'],
};

/** Ids of the data set: recognisable, valid UUIDs, the same on every run. */
function datasetId(n: number): string {
  return `5a7a0000-2019-4000-8000-${String(n).padStart(12, '0')}`;
}

function lao(time: string): Date {
  return new Date(`${time}+07:00`);
}

function partnerOfCase(c: number): Party {
  if (c < 40) return 'TH-POLICE';
  if (c < 70) return 'VN-MPS';
  if (c < 93) return 'CN-MPS';
  return 'KH-MOI';
}

function suspectPerson(j: number, partnerCountry: string): PersonFacts {
  const sex: Sex = j < 29 ? 'F' : 'M';
  const birthDate = `${1970 + (j % 25)}-0${1 + (j % 9)}-1${j % 10}`;
  // 0–9 foreign women, 10–28 Lao women, 29–99 foreign men, 100–113 Lao men, 114–118 unknown.
  if (j < 10 || (j >= 29 && j < 100)) return { sex, nationality: partnerCountry, birthDate };
  if (j < 114) return { sex, nationality: 'LA', birthDate };
  return { sex, birthDate };
}

function victimPerson(k: number): PersonFacts {
  const sex: Sex = k < 21 ? 'F' : k < 83 ? 'M' : k === 83 ? 'X' : 'U';
  const nationality = k < 77 ? 'LA' : 'VN';
  if (k === 0) return { sex, nationality, birthDate: '2001-06-16' }; // 18 the day after submission
  if (k === 40) return { sex, nationality, birthDate: '2001-06-15' }; // 18 on the day: adult
  if (k >= 1 && k <= 5) return { sex, nationality, birthDate: `2005-03-0${k}` };
  if (k >= 21 && k <= 26) return { sex, nationality, estimatedAge: 15 + (k % 2) };
  return { sex, nationality, birthDate: `${1975 + (k % 20)}-11-2${k % 8}` };
}

function exploitationOf(k: number): string[] {
  const main =
    k < 30
      ? 'FORCED_LABOUR'
      : k < 55
        ? 'SEXUAL_EXPLOITATION'
        : k < 67
          ? 'FORCED_MARRIAGE'
          : k < 75
            ? 'ONLINE_SEXUAL_EXPLOITATION'
            : k < 83
              ? 'FORCED_CRIMINALITY'
              : 'SURROGACY';
  return k < 10 ? [main, 'DEBT_BONDAGE'] : [main];
}

/** The lifecycle of the 10 timed suspect hand-offs with Vietnam (see the file comment). */
function timedChanges(t: number, submitted: Date): { status: string; changes: Change[] } {
  const at = (hours: number): Date => new Date(submitted.getTime() + hours * HOUR);
  const ack = t + 1;
  const changes: Change[] = [
    { action: 'submit', at: submitted },
    { action: 'acknowledge', at: at(ack) },
  ];
  const add = (action: LifecycleAction, hours: number): void => {
    changes.push({ action, at: at(hours) });
  };
  switch (t) {
    case 0:
    case 1: {
      const decided = ack + (t === 0 ? 24 : 48);
      add('accept', decided);
      add('schedule-handover', decided + 10);
      add('complete', decided + (t === 0 ? 100 : 200));
      return { status: 'COMPLETED', changes };
    }
    case 2:
      add('reject', ack + 72);
      return { status: 'REJECTED', changes };
    case 3:
      add('accept', ack + 96);
      add('schedule-handover', ack + 100);
      return { status: 'HANDOVER_SCHEDULED', changes };
    case 4:
    case 5:
      add('request-info', ack + 5);
      add('provide-info', ack + 35);
      add(t === 4 ? 'accept' : 'reject', ack + 35 + (t === 4 ? 10 : 20));
      return { status: t === 4 ? 'ACCEPTED' : 'REJECTED', changes };
    case 8:
      add('request-info', ack + 5);
      return { status: 'INFO_REQUESTED', changes };
    default:
      return { status: 'ACKNOWLEDGED', changes };
  }
}

/** Every referral of the data set, in and out of the period. */
export function statsDataset(): DatasetReferral[] {
  const referrals: DatasetReferral[] = [];
  let timed = 0;
  for (let r = 0; r < 210; r++) {
    const c = r % 96;
    const partner = partnerOfCase(c);
    const partnerCountry = partner.slice(0, 2);
    const laoParty: Party = c % 2 === 0 ? 'LA-BOKEO-POLICE' : 'LA-PDPCHT';
    const openedByPartner = c % 3 === 0;
    const sender = openedByPartner ? partner : laoParty;
    const receiver = openedByPartner ? laoParty : partner;
    let submittedAt = new Date(lao('2019-01-01T10:00:00').getTime() + r * 1.7 * DAY);
    let type: DatasetReferral['type'];
    let person: PersonFacts;
    let status = 'SUBMITTED';
    let closedAt: Date | null = null;
    let changes: Change[] | undefined;
    if (r < 119) {
      type = 'SUSPECT_HANDOFF';
      person = suspectPerson(r, partnerCountry);
      if (r === 118) submittedAt = lao('2019-01-01T00:00:00');
      if (partner === 'VN-MPS' && timed < 10) {
        ({ status, changes } = timedChanges(timed, submittedAt));
        closedAt =
          changes.find((x) => x.action === 'complete' || x.action === 'reject')?.at ?? null;
        timed++;
      }
    } else if (r < 204) {
      const k = r - 119;
      type = 'VICTIM_REPATRIATION';
      person = victimPerson(k);
      if (k === 0 || k === 40) submittedAt = lao('2019-06-15T20:00:00');
      if (k >= 60 && k <= 75) {
        status = 'COMPLETED';
        closedAt = new Date(submittedAt.getTime() + 30 * DAY);
      } else if (k === 76) {
        status = 'COMPLETED';
        closedAt = lao('2020-01-10T09:00:00');
      } else {
        status = 'ACKNOWLEDGED';
      }
    } else {
      type = 'INFORMATION_REQUEST';
      person = { sex: 'M', nationality: 'LA', birthDate: '1988-08-08' };
    }
    referrals.push({
      id: datasetId(r),
      type,
      status,
      sender,
      receiver,
      reference: `CASE-2019-${String(c).padStart(3, '0')}`,
      person,
      exploitation: type === 'VICTIM_REPATRIATION' ? exploitationOf(r - 119) : [],
      createdAt: new Date(submittedAt.getTime() - HOUR),
      submittedAt,
      closedAt,
      changes: changes ?? [{ action: 'submit', at: submittedAt }],
    });
  }
  referrals.push(...outsideThePeriod());
  return referrals;
}

function outsideThePeriod(): DatasetReferral[] {
  const base = {
    sender: 'LA-BOKEO-POLICE' as const,
    receiver: 'TH-POLICE' as const,
    exploitation: [] as string[],
    closedAt: null,
  };
  const submitted = (
    n: number,
    type: DatasetReferral['type'],
    at: Date,
    rest: Partial<DatasetReferral> = {},
  ): DatasetReferral => ({
    ...base,
    id: datasetId(n),
    type,
    status: 'SUBMITTED',
    reference: `CASE-OUT-${n}`,
    person: { sex: 'F', nationality: 'TH', birthDate: '1990-01-01' },
    createdAt: new Date(at.getTime() - HOUR),
    submittedAt: at,
    changes: [{ action: 'submit', at }],
    ...rest,
  });
  const drafts = [1, 2, 3].map((i): DatasetReferral => ({
    ...submitted(900 + i, 'SUSPECT_HANDOFF', lao('2019-05-01T09:00:00')),
    status: 'DRAFT',
    submittedAt: null,
    changes: [],
  }));
  return [
    ...drafts,
    submitted(910, 'SUSPECT_HANDOFF', lao('2018-12-31T23:59:59')),
    submitted(911, 'VICTIM_REPATRIATION', lao('2020-01-01T00:00:00'), {
      exploitation: ['SURROGACY'],
    }),
    submitted(912, 'VICTIM_REPATRIATION', lao('2018-11-20T09:00:00'), {
      status: 'COMPLETED',
      closedAt: lao('2019-02-14T11:00:00'),
      exploitation: ['FORCED_LABOUR'],
      person: { sex: 'F', nationality: 'LA', birthDate: '1999-04-04' },
    }),
  ];
}

/** The referral content of `r`, complete enough to read like a real one. */
function contentOf(r: DatasetReferral): Record<string, unknown> {
  const person = {
    names: [{ script: 'Latn', given: 'Person', family: r.id.slice(-4) }],
    aliases: [],
    documents: [],
    languages: ['lo'],
    ...r.person,
  };
  const common = {
    to: r.receiver,
    type: r.type,
    priority: 'ROUTINE',
    senderReference: r.reference,
    handlingCode: 'H1',
    summary: 'Generated for the yearly statistics test.',
    person,
    relatedReferrals: [],
  };
  switch (r.type) {
    case 'VICTIM_REPATRIATION':
      return {
        ...common,
        victim: {
          exploitation: r.exploitation,
          needs: ['SHELTER'],
          consent: { dataSharing: true, return: true, recordedAt: '2019-01-01T00:00:00Z' },
        },
        repatriation: { homeAddress: { country: 'LA', province: 'Bokeo' } },
      };
    case 'SUSPECT_HANDOFF':
      return {
        ...common,
        suspect: { role: 'RECRUITER', custody: 'AT_LARGE', requestedAction: 'LOCATE' },
      };
    case 'INFORMATION_REQUEST':
      return { ...common, request: { question: 'Please verify the nationality.' } };
  }
}

/**
 * Inserts {@link statsDataset} into the database of `DATABASE_ADMIN_URL` (the schema owner, as
 * `npm test` sets it), unless it is there already. Referrals and changes go in one statement each,
 * so the statement-level triggers of the reporting migration see them as the hub's writes would;
 * each referral's content is sealed with a data key of its own and its person facts derived by
 * the hub's own {@link personFacts}, as the hub stores them.
 */
export async function insertStatsDataset(
  url: string = process.env.DATABASE_ADMIN_URL ??
    'postgres://postgres@127.0.0.1:5432/referral_hub_test',
): Promise<void> {
  const referrals = statsDataset();
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    const present = await client.query('SELECT 1 FROM referrals WHERE id = $1', [datasetId(0)]);
    if (present.rowCount) {
      await client.query('ROLLBACK');
      return;
    }
    const ring = MasterKeyRing.fromFile(
      join(__dirname, '..', '..', '.dev', 'keys', 'data-master.jwk'),
    );
    const keys = referrals.map((r) => {
      const key = randomBytes(32);
      return { referral_id: r.id, key, ...ring.wrap(key, r.id) };
    });
    const rows = referrals.map((r, i) => {
      const content = contentOf(r);
      const facts = personFacts(content, r.submittedAt ?? r.createdAt);
      const key = keys[i]?.key;
      if (!key) throw new Error('no key');
      return {
        id: r.id,
        type: r.type,
        status: r.status,
        sender_party: r.sender,
        receiver_party: r.receiver,
        sender_reference: r.reference,
        origin: r.sender.startsWith('LA-') ? 'http' : 'kafka',
        sealed_content: new DataKey(r.id, key).sealJson(SEALED.content, content).toString('hex'),
        person_sex: facts.sex,
        person_nationality: facts.nationality,
        person_minor: facts.minor,
        exploitation_types: facts.exploitationTypes,
        seq: r.changes.length,
        created_at: r.createdAt.toISOString(),
        submitted_at: r.submittedAt?.toISOString() ?? null,
        closed_at: r.closedAt?.toISOString() ?? null,
      };
    });
    await client.query(
      `INSERT INTO referrals (id, type, status, priority, sender_party, receiver_party,
         sender_country, receiver_country, sender_reference, handling_code, origin,
         sealed_content, person_sex, person_nationality, person_minor, exploitation_types,
         version, seq, created_by, created_at, updated_at, submitted_at, closed_at)
       SELECT id, type, status, 'ROUTINE', sender_party, receiver_party, left(sender_party, 2),
         left(receiver_party, 2), sender_reference, 'H1', origin, decode(sealed_content, 'hex'),
         person_sex, person_nationality, person_minor, exploitation_types, seq + 1, seq,
         'stats-dataset', created_at, COALESCE(submitted_at, created_at), submitted_at, closed_at
       FROM jsonb_to_recordset($1::jsonb) AS x (id uuid, type text, status text,
         sender_party text, receiver_party text, sender_reference text, origin text,
         sealed_content text, person_sex text, person_nationality text, person_minor boolean,
         exploitation_types text[], seq integer, created_at timestamptz,
         submitted_at timestamptz, closed_at timestamptz)`,
      [JSON.stringify(rows)],
    );
    await client.query(
      `INSERT INTO referral_keys (referral_id, master_key_id, wrapped_key)
       SELECT referral_id, master_key_id, decode(wrapped_key, 'hex')
       FROM jsonb_to_recordset($1::jsonb) AS x (referral_id uuid, master_key_id text,
         wrapped_key text)`,
      [
        JSON.stringify(
          keys.map((k) => ({
            referral_id: k.referral_id,
            master_key_id: k.masterKeyId,
            wrapped_key: k.wrapped.toString('hex'),
          })),
        ),
      ],
    );
    const changes = referrals.flatMap((r) =>
      r.changes.map((c, i) => {
        const [fromStatus, toStatus] = TRANSITIONS[c.action];
        const bySender = c.action === 'submit' || c.action === 'provide-info';
        return {
          referral_id: r.id,
          seq: i + 1,
          action: c.action,
          event_type: LIFECYCLE_ACTIONS[c.action].eventType,
          event_id: `${r.id.slice(0, 24)}${String(i + 1).padStart(4, '0')}${r.id.slice(-8)}`,
          actor_party: bySender ? r.sender : r.receiver,
          from_status: fromStatus,
          to_status: toStatus,
          occurred_at: c.at.toISOString(),
        };
      }),
    );
    await client.query(
      `INSERT INTO referral_changes (referral_id, seq, action, event_type, event_id, actor_party,
         actor, from_status, to_status, sealed_data, occurred_at)
       SELECT referral_id, seq, action, event_type, event_id, actor_party, 'stats-dataset',
         from_status, to_status, '\\x'::bytea, occurred_at
       FROM jsonb_to_recordset($1::jsonb) AS x (referral_id uuid, seq integer, action text,
         event_type text, event_id uuid, actor_party text, from_status text, to_status text,
         occurred_at timestamptz)`,
      [JSON.stringify(changes)],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    await client.end();
  }
}
