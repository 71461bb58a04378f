import { todayAt, type SubmittedReferralData } from '@hub/contracts';

/** What the simulator needs to know about one partner country. */
export interface PartnerCountry {
  /** The country's parties, as registered in the hub; the first one submits in `--submit` mode. */
  readonly parties: readonly [string, ...string[]];
  /** The border checkpoint with Laos where this simulator schedules its hand-overs. */
  readonly checkpoint: string;
  /** Where the fixture's victim was found, in that country. */
  readonly place: string;
}

/**
 * The four partner countries. A real partner system knows its own parties and checkpoints from
 * the registry the hub operator publishes; this is a hand-kept copy of `config/parties.json` and
 * `config/checkpoints.json` (a unit test checks it still agrees with them), so that the simulator
 * depends on nothing but the contract.
 */
export const PARTNER_COUNTRIES = {
  TH: {
    parties: ['TH-POLICE', 'TH-MSDHS'],
    checkpoint: 'LA-TH-FB4',
    place: 'Chiang Khong, Chiang Rai',
  },
  VN: { parties: ['VN-MPS'], checkpoint: 'LA-VN-DENSAVANH', place: 'Lao Bao, Quang Tri' },
  CN: { parties: ['CN-MPS'], checkpoint: 'LA-CN-BOTEN', place: 'Mohan, Mengla, Yunnan' },
  KH: { parties: ['KH-MOI'], checkpoint: 'LA-KH-VEUNKHAM', place: 'Stung Treng' },
} as const satisfies Record<string, PartnerCountry>;

/** Country code of a partner country the simulator can play. */
export type PartnerCountryCode = keyof typeof PARTNER_COUNTRIES;

/** True when `code` is one of {@link PARTNER_COUNTRIES}. */
export function isPartnerCountry(code: string): code is PartnerCountryCode {
  return Object.hasOwn(PARTNER_COUNTRIES, code);
}

/**
 * The key name of a partner country's witness of the hub's audit log in development, e.g.
 * `mekong-referral-hub/witness/TH`: the name its cosignatures carry (`npm run keys` writes its
 * verifier key to `.dev/keys/witness-CC.vkey`). A real partner names its witness itself.
 */
export function witnessKeyName(country: string): string {
  return `mekong-referral-hub/witness/${country}`;
}

/** Offset of Indochina Time (Laos, Thailand, Viet Nam, Cambodia), used for local times. */
const ICT_OFFSET_HOURS = 7;

/** `YYYY-MM-DD` `days` after `now`, in Indochina Time. */
export function dateInDays(now: Date, days: number): string {
  return todayAt(ICT_OFFSET_HOURS, new Date(now.getTime() + days * 86_400_000));
}

/**
 * The canned texts the simulated officers write. Plain English on purpose: the point is the
 * exchange, not the case.
 */
export const CANNED = {
  question:
    'Please send a copy of any identity document and the name and telephone number of a family ' +
    'member we can contact.',
  answer:
    'Family book number 0412-77 (Ban Donthen, Houayxay). Contact: her mother, ' +
    'Mrs Vanh Phommachanh, +856 20 5555 0142.',
  acceptNote: 'Accepted. The receiving shelter is ready.',
  rejectNote: 'Rejected by the partner simulator (--decision reject).',
  completeNote: 'Handed over at the border as scheduled and received by the shelter staff.',
  escort: { name: 'Simulated escort officer', agency: 'Anti-trafficking division' },
} as const;

/** The hand-over time the simulator proposes: 09:00 Indochina Time, three days after `now`. */
export function handoverTime(now: Date): string {
  return `${dateInDays(now, 3)}T09:00:00+07:00`;
}

/** What {@link victimRepatriationFixture} is built from. */
export interface SubmissionFixtureInput {
  country: PartnerCountryCode;
  /** New referral id (a UUID). */
  referralId: string;
  /** Our party that submits, e.g. `TH-POLICE`. */
  from: string;
  /** The Lao party addressed, e.g. `LA-BOKEO-POLICE`. */
  to: string;
  now: Date;
}

/**
 * A referral a partner country sends to Laos in `--submit` mode: a young Lao woman, recruited at
 * home with a false job offer and found in the partner country, who wants to go home through the
 * checkpoint of that border. An adult, so no guardian is needed; consent recorded an hour ago.
 */
export function victimRepatriationFixture(input: SubmissionFixtureInput): SubmittedReferralData {
  const { country, referralId, from, to, now } = input;
  const partner: PartnerCountry = PARTNER_COUNTRIES[country];
  return {
    referralId,
    from,
    to,
    submittedAt: now.toISOString(),
    type: 'VICTIM_REPATRIATION',
    priority: 'URGENT',
    senderReference: `${country}-SIM-${referralId.slice(0, 8).toUpperCase()}`,
    handlingCode: 'H1',
    summary:
      `Lao woman aged 24 found in ${partner.place} during a labour inspection of a garment ` +
      'workshop; recruited in Houayxay with a false offer of restaurant work, her pay withheld ' +
      'against a travel debt. She wishes to return to her family.',
    person: {
      names: [
        { script: 'Latn', given: 'Keo', family: 'Phommachanh' },
        { script: 'Laoo', given: 'ແກ້ວ', family: 'ພົມມະຈັນ' },
      ],
      aliases: ['Noy'],
      sex: 'F',
      birthDate: '2002-03-14',
      nationality: 'LA',
      documents: [],
      languages: ['lo'],
    },
    victim: {
      exploitation: ['FORCED_LABOUR', 'DEBT_BONDAGE'],
      recruitment: {
        method: 'FRAUDULENT_JOB_OFFER',
        country: 'LA',
        place: 'Houayxay, Bokeo',
        date: '2025-11-02',
      },
      exploitationLocation: { country, place: partner.place },
      needs: ['SHELTER', 'COUNSELLING', 'FAMILY_TRACING', 'TRAVEL_DOCUMENTS'],
      consent: {
        dataSharing: true,
        return: true,
        recordedAt: new Date(now.getTime() - 3_600_000).toISOString(),
      },
    },
    repatriation: {
      homeAddress: { country: 'LA', province: 'Bokeo', district: 'Houayxay', village: 'Donthen' },
      proposedCheckpoint: partner.checkpoint,
      proposedDate: dateInDays(now, 14),
    },
    relatedReferrals: [],
  };
}
