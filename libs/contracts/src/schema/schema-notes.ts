import type { ClassConstructor } from 'class-transformer';
import { SubmittedReferralData } from '../referral/submitted-referral-data.dto';
import { ConsentDto } from '../referral/consent.dto';
import { GuardianDto } from '../referral/guardian.dto';
import { HandoffDto } from '../referral/handoff.dto';
import { HomeAddressDto } from '../referral/home-address.dto';
import { IdentityDocumentDto } from '../referral/identity-document.dto';
import { InformationRequestDto } from '../referral/information-request.dto';
import { LinkedVictimDto } from '../referral/linked-victim.dto';
import { LocationDto } from '../referral/location.dto';
import { OffenceDto } from '../referral/offence.dto';
import { PersonNameDto } from '../referral/person-name.dto';
import { PersonDto } from '../referral/person.dto';
import { RecruitmentDto } from '../referral/recruitment.dto';
import { ReferralContent } from '../referral/referral-content.dto';
import { RepatriationDto } from '../referral/repatriation.dto';
import { SuspectDto } from '../referral/suspect.dto';
import { VictimDto } from '../referral/victim.dto';
import { AcceptBody, ReferralAcceptedData } from '../events/accept.dto';
import { AcknowledgeBody, ReferralAcknowledgedData } from '../events/acknowledge.dto';
import { AttachmentDto } from '../events/attachment.dto';
import { AuditCheckpointData } from '../events/audit-checkpoint.dto';
import { AuditCosignedData, AuditForkDetectedData } from '../events/audit-witness.dto';
import { CompleteBody, ReferralCompletedData } from '../events/complete.dto';
import {
  ReferralConsentRestoredData,
  ReferralConsentWithdrawnData,
  RestoreConsentBody,
  WithdrawConsentBody,
} from '../events/consent-change.dto';
import { EscortDto } from '../events/escort.dto';
import { EventRejectedData } from '../events/event-rejected.dto';
import { FieldErrorDto } from '../events/field-error.dto';
import { MessagePostedData, PostMessageBody } from '../events/message-posted.dto';
import { ProvideInfoBody, ReferralInfoProvidedData } from '../events/provide-info.dto';
import { ReceiptData } from '../events/receipt.dto';
import { ReferralOverdueData } from '../events/referral-overdue.dto';
import { ReferralRejectedData, RejectBody } from '../events/reject.dto';
import { ReferralInfoRequestedData, RequestInfoBody } from '../events/request-info.dto';
import {
  HandoverScheduledBody,
  ReferralHandoverScheduledData,
} from '../events/schedule-handover.dto';
import { ReferralWithdrawnData, WithdrawBody } from '../events/withdraw.dto';
import type { ReferralType } from '../referral/code-lists';
import type { JsonSchema } from './json-schema';

/*
 * What the class-validator metadata cannot say: descriptions (TSDoc is gone at runtime) and the
 * rules that relate several fields. The class schema generator refuses a class whose conditional
 * rule (`ValidateIf`, a presence or section rule, a date not in the future) has no description
 * here, so a new rule cannot slip into the published contract unexplained. `schema.spec.ts` checks
 * that the JSON Schema rules below agree with class-validator on valid and invalid payloads.
 */

/** What is written into a class's schema beside what its decorators say. */
export interface ClassNotes {
  /** The schema's `description`. */
  readonly description?: string;
  /** Property descriptions; inherited by subclasses unless they describe the property again. */
  readonly properties?: Readonly<Record<string, string>>;
  /** Rules across fields, as JSON Schema; inherited by subclasses (written under `allOf`). */
  readonly rules?: readonly JsonSchema[];
}

type Notes<T> = Omit<ClassNotes, 'properties'> & {
  readonly properties?: Partial<Record<Extract<keyof T, string>, string>>;
};

/** Notes of `type`, with property names checked against the class. */
function notes<T extends object>(
  type: ClassConstructor<T>,
  classNotes: Notes<T>,
): readonly [ClassConstructor<object>, ClassNotes] {
  return [type, classNotes as ClassNotes];
}

const REFERRAL_ID = "The referral's id in the hub (UUID); equal to the event's `subject`.";
const NOTE = 'Free text for the other side, NFC-normalised.';

/** `{ type: owner }` → the sections required on it; the others' sections are refused. */
function sectionRules(): JsonSchema[] {
  const sections: Record<ReferralType, { required: string[]; allowed: string[] }> = {
    VICTIM_REPATRIATION: { required: ['victim', 'repatriation'], allowed: [] },
    SUSPECT_HANDOFF: { required: ['suspect'], allowed: ['handoff'] },
    INFORMATION_REQUEST: { required: ['request'], allowed: [] },
  };
  const rules = Object.entries(sections).map(([owner, { required, allowed }]): JsonSchema => ({
    if: { properties: { type: { const: owner } }, required: ['type'] },
    then: { required },
    else: { not: { anyOf: [...required, ...allowed].map((name) => ({ required: [name] })) } },
  }));
  const surrender: JsonSchema = {
    if: {
      properties: {
        type: { const: 'SUSPECT_HANDOFF' },
        suspect: {
          type: 'object',
          properties: { requestedAction: { const: 'SURRENDER_AT_BORDER' } },
          required: ['requestedAction'],
        },
      },
      required: ['type', 'suspect'],
    },
    then: { required: ['handoff'] },
  };
  return [...rules, surrender];
}

/** Notes of every class of the contract, by class. */
export const CLASS_NOTES: ReadonlyMap<ClassConstructor<object>, ClassNotes> = new Map([
  notes(ReferralContent, {
    description:
      'The content of a referral: the body of `POST /v1/referrals` and the core of ' +
      '`mrh.referral.submitted.v1`. Common fields, then exactly the sections of its `type`: ' +
      '`victim` + `repatriation` for VICTIM_REPATRIATION, `suspect` (+ `handoff`) for ' +
      'SUSPECT_HANDOFF, `request` for INFORMATION_REQUEST; a section of another type is refused.',
    properties: {
      to: 'Party code of the receiving party, e.g. `VN-MPS`; the hub checks it is registered.',
      type: 'What the referral asks; decides which sections the content carries.',
      priority: 'How fast the receiver is asked to act.',
      senderReference: "The sender's own case number, e.g. `BK-2026-0417`.",
      handlingCode: 'How far the receiver may pass the referral on, `H0`–`H3`.',
      summary: 'What the case is about and what is asked, in a few sentences.',
      relatedReferrals: 'Ids of other referrals in the hub about the same case.',
      victim: 'Required on a VICTIM_REPATRIATION referral, refused on any other type.',
      repatriation: 'Required on a VICTIM_REPATRIATION referral, refused on any other type.',
      suspect: 'Required on a SUSPECT_HANDOFF referral, refused on any other type.',
      handoff:
        'SUSPECT_HANDOFF only: required when `suspect.requestedAction` is ' +
        'SURRENDER_AT_BORDER, optional for the other actions, refused on any other type.',
      request: 'Required on an INFORMATION_REQUEST referral, refused on any other type.',
    },
    rules: sectionRules(),
  }),
  notes(SubmittedReferralData, {
    description:
      'The `data` of `mrh.referral.submitted.v1`: the referral content as the sender submitted ' +
      'it, plus its id in the hub, the sending party and the time of submission.',
    properties: {
      referralId: `${REFERRAL_ID} Also the record key.`,
      from: 'Party code of the sending party, e.g. `LA-BOKEO-POLICE`.',
      submittedAt: 'When the referral was submitted.',
    },
  }),
  notes(PersonDto, {
    description:
      'The person a referral is about: the (presumed) victim, the suspect, or the subject of an ' +
      'information request.',
    properties: {
      names:
        'The names, each in one script (e.g. Lao and Latin); at least one in Latin script ' +
        '(`Latn`), so that every officer on either side can read it.',
      aliases: 'Other names the person is known by (nicknames, false names), as written.',
      sex: '`F` female, `M` male, `X` another sex (as in ICAO travel documents), `U` unknown.',
      birthDate:
        'Date of birth, not in the future. Required unless `estimatedAge` is given; with it, ' +
        'decides whether the person is under 18 (see `victim.guardian`).',
      estimatedAge:
        'Age in whole years as estimated by the officer, when the birth date is unknown.',
      nationality:
        '(Presumed) nationality; omitted when unknown, e.g. when establishing it is the point.',
      documents: 'Identity and travel documents the person holds or held.',
      languages: 'Languages the person speaks, as well-formed BCP 47 tags (e.g. `lo`, `vi`, `zh`).',
    },
    rules: [{ anyOf: [{ required: ['birthDate'] }, { required: ['estimatedAge'] }] }],
  }),
  notes(PersonNameDto, {
    description:
      'A name as written in one script, exactly as given (NFC), never transliterated: a person ' +
      'written in Lao and in Latin letters carries two names.',
    properties: {
      script: 'ISO 15924 code of the script, e.g. `Latn`, `Laoo`, `Thai`, `Khmr`, `Hani`.',
      given: 'Given name(s) in that script; for a person with a single name, that name.',
      family: 'Family name in that script; omitted for a person who has none.',
    },
  }),
  notes(IdentityDocumentDto, {
    description: 'An identity or travel document a person holds or held.',
    properties: { number: "The document's number exactly as printed on it." },
  }),
  notes(VictimDto, {
    description:
      'The victim section of a VICTIM_REPATRIATION referral: what happened to the person, what ' +
      'they need, their consent and, for a child, their guardian.',
    properties: {
      exploitation: 'Forms of exploitation suffered, at least one.',
      needs: 'Assistance the victim needs on return, so the receiving side can prepare it.',
      guardian:
        'The parent or legal guardian. Required when the person is under 18, by `birthDate` or ' +
        'by `estimatedAge` (either is enough; today is taken in the last time zone to reach it); ' +
        'optional otherwise. JSON Schema cannot express this rule: the hub checks it.',
    },
  }),
  notes(ConsentDto, {
    description:
      "The victim's informed consent as recorded by the sending officer. A refusal is valid " +
      'content: the hub, not this schema, refuses to submit a referral without consent to share ' +
      'data unless a supervisor records an override with a reason.',
    properties: {
      dataSharing: 'Whether the victim agreed that their data be shared with the receiving party.',
      return: 'Whether the victim agreed to return to their home country.',
      recordedAt: 'When the consent was recorded.',
    },
  }),
  notes(GuardianDto, {
    description:
      'The parent or legal guardian of a victim under 18, whom the receiving side must involve.',
    properties: {
      relationship: 'Relationship to the victim, e.g. `mother`, `uncle`, `appointed guardian`.',
      contact: 'How to reach the guardian (telephone, address), when known.',
    },
  }),
  notes(RecruitmentDto, {
    description: 'How, where and when a victim was recruited, as far as it is known.',
    properties: { date: 'Date of recruitment (an approximate date is acceptable).' },
  }),
  notes(LocationDto, { description: 'A place in a country, e.g. where a victim was exploited.' }),
  notes(RepatriationDto, {
    description: 'The repatriation section of a VICTIM_REPATRIATION referral: where to, and how.',
    properties: {
      proposedCheckpoint:
        'Border checkpoint proposed for the hand-over, e.g. `LA-VN-DENSAVANH`; the hub checks ' +
        'it is registered.',
      proposedDate: 'Proposed hand-over date, when one is proposed already.',
    },
  }),
  notes(HomeAddressDto, {
    description: 'The address a victim is to return to, as precise as it is known.',
  }),
  notes(SuspectDto, {
    description:
      'The suspect section of a SUSPECT_HANDOFF referral: what the suspect did and what is asked.',
    properties: {
      evidenceSummary: 'The evidence held, summarised (statements, records, seizures).',
      requestedAction: 'What the sender asks; SURRENDER_AT_BORDER makes `handoff` required.',
      linkedVictims: 'Victims linked to the suspect, by referral id or case reference.',
    },
  }),
  notes(OffenceDto, {
    description: 'An offence a suspect is alleged to have committed.',
    properties: { code: "The sending country's code of the offence, e.g. `LA-PC-215`." },
  }),
  notes(LinkedVictimDto, {
    description:
      "A victim linked to a suspect, identified without repeating the victim's personal data: " +
      'by the hub referral about them, or by the sender case reference.',
    properties: {
      referralId:
        'Id of a referral in the hub about this victim. Required unless `reference` is given.',
      reference: "The sender's case reference for this victim.",
    },
    rules: [{ anyOf: [{ required: ['referralId'] }, { required: ['reference'] }] }],
  }),
  notes(HandoffDto, {
    description:
      'The hand-over section of a SUSPECT_HANDOFF referral: where and when to surrender.',
    properties: {
      checkpoint: 'Border checkpoint proposed for the hand-over; the hub checks it is registered.',
      proposedDate: 'Proposed hand-over date, when one is proposed already.',
    },
  }),
  notes(InformationRequestDto, {
    description: 'The request section of an INFORMATION_REQUEST referral.',
    properties: {
      question: 'What the sender asks, e.g. to verify a nationality or check a record.',
    },
  }),

  notes(AcknowledgeBody, {
    description: 'Body of `POST /v1/referrals/{id}/acknowledge`: the receiver has the referral.',
    properties: { receiverReference: "The receiver's own case number, when it has one already." },
  }),
  notes(ReferralAcknowledgedData, {
    description: 'The `data` of `mrh.referral.acknowledged.v1`.',
    properties: { referralId: REFERRAL_ID },
  }),
  notes(RequestInfoBody, {
    description: 'Body of `POST /v1/referrals/{id}/request-info`: the receiver asks for more.',
    properties: { question: 'What the receiver needs to know.' },
  }),
  notes(ReferralInfoRequestedData, {
    description: 'The `data` of `mrh.referral.info-requested.v1`.',
    properties: { referralId: REFERRAL_ID },
  }),
  notes(ProvideInfoBody, {
    description: 'Body of `POST /v1/referrals/{id}/provide-info`: the sender answers the question.',
    properties: { answer: 'The answer; it becomes part of the case file.' },
  }),
  notes(ReferralInfoProvidedData, {
    description: 'The `data` of `mrh.referral.info-provided.v1`.',
    properties: { referralId: REFERRAL_ID },
  }),
  notes(AcceptBody, {
    description: 'Body of `POST /v1/referrals/{id}/accept`: the receiver takes the case on.',
    properties: { note: NOTE },
  }),
  notes(ReferralAcceptedData, {
    description: 'The `data` of `mrh.referral.accepted.v1`.',
    properties: { referralId: REFERRAL_ID },
  }),
  notes(RejectBody, {
    description: 'Body of `POST /v1/referrals/{id}/reject`: the receiver declines the case.',
    properties: {
      reasonCode:
        'Why: NOT_OUR_NATIONAL (not a national of the receiving country), ' +
        'INSUFFICIENT_INFORMATION, NO_LEGAL_BASIS, DUPLICATE (handled under another referral), OTHER.',
      note: 'The reason in words, e.g. what information is missing.',
    },
  }),
  notes(ReferralRejectedData, {
    description: 'The `data` of `mrh.referral.rejected.v1`.',
    properties: { referralId: REFERRAL_ID },
  }),
  notes(HandoverScheduledBody, {
    description:
      'Body of `POST /v1/referrals/{id}/schedule-handover`: either side sets (or moves) the time ' +
      'and place of the hand-over.',
    properties: {
      checkpoint: 'Border checkpoint of the hand-over; the hub checks it is registered.',
      scheduledAt: "When the hand-over takes place, in the checkpoint's local time.",
      escorts: 'Who escorts the person to the hand-over.',
    },
  }),
  notes(ReferralHandoverScheduledData, {
    description: 'The `data` of `mrh.referral.handover-scheduled.v1`.',
    properties: { referralId: REFERRAL_ID },
  }),
  notes(EscortDto, {
    description: 'An officer or worker escorting the person at a hand-over.',
    properties: { agency: 'The agency the escort works for (a party or not, e.g. an NGO).' },
  }),
  notes(CompleteBody, {
    description:
      'Body of `POST /v1/referrals/{id}/complete`: the receiver closes the case as done.',
    properties: {
      completedAt: 'When the case was completed (e.g. the hand-over took place).',
      note: 'How it ended, e.g. who received the person.',
    },
  }),
  notes(ReferralCompletedData, {
    description: 'The `data` of `mrh.referral.completed.v1`.',
    properties: { referralId: REFERRAL_ID },
  }),
  notes(WithdrawBody, {
    description: 'Body of `POST /v1/referrals/{id}/withdraw`: the sender calls the referral off.',
    properties: { reason: 'Why the referral is withdrawn.' },
  }),
  notes(ReferralWithdrawnData, {
    description: 'The `data` of `mrh.referral.withdrawn.v1`.',
    properties: { referralId: REFERRAL_ID },
  }),
  notes(WithdrawConsentBody, {
    description:
      'Body of `POST /v1/referrals/{id}/consent/withdrawal`: the victim (or the guardian of a ' +
      'minor) withdrew the consent to share their data. Victim repatriations only.',
    properties: {
      withdrawnBy: '`VICTIM`, or `GUARDIAN` for a minor.',
      withdrawnOn: 'The day consent was withdrawn; not in the future (the hub checks it).',
      note: 'How it was recorded, e.g. in whose presence.',
    },
  }),
  notes(ReferralConsentWithdrawnData, {
    description:
      'The `data` of `mrh.referral.consent-withdrawn.v1`. The recipient restricts its copy of ' +
      "the person's data (kept for the record of the case, used for nothing else) and confirms " +
      'the event with a `DELIVERED` receipt, the evidence that it was told.',
    properties: { referralId: REFERRAL_ID },
  }),
  notes(RestoreConsentBody, {
    description:
      'Body of `POST /v1/referrals/{id}/consent/restoration`: a supervisor of the side that ' +
      'recorded the withdrawal records that consent holds again.',
    properties: {
      restoredOn: 'The day consent was given again; not in the future (the hub checks it).',
      note: 'Why: the record of the new consent, or of the error.',
    },
  }),
  notes(ReferralConsentRestoredData, {
    description: 'The `data` of `mrh.referral.consent-restored.v1`: the restriction is lifted.',
    properties: { referralId: REFERRAL_ID },
  }),
  notes(PostMessageBody, {
    description: 'Body of `POST /v1/referrals/{id}/messages`: a case message to the counterpart.',
    properties: {
      language: 'The language the message is written in, as a BCP 47 tag, e.g. `lo`, `vi`, `en`.',
      attachments: 'Files attached to the message, described by name, type, size and hash.',
    },
  }),
  notes(MessagePostedData, {
    description: 'The `data` of `mrh.message.posted.v1`: a case message on a referral.',
    properties: {
      referralId: REFERRAL_ID,
      messageId: "The message's own id, unique across the hub.",
      author: "Who wrote it: the officer's name or identifier (the party is the event's source).",
    },
  }),
  notes(AttachmentDto, {
    description:
      'A file attached to a case message, described, not carried: the bytes travel separately ' +
      'and the receiver checks them against `size` and `sha256`.',
    properties: {
      mediaType: 'The media type, e.g. `application/pdf`, `image/jpeg`; the hub checks it further.',
      size: 'Size in bytes.',
      sha256: "SHA-256 of the file's bytes, 64 lower-case hexadecimal digits.",
    },
  }),
  notes(ReferralOverdueData, {
    description:
      'The `data` of `mrh.referral.overdue.v1`: a step of a referral missed its deadline.',
    properties: {
      referralId: REFERRAL_ID,
      step:
        'The late step: ACKNOWLEDGE, DECIDE (accept or reject), PROVIDE_INFO (answer an ' +
        'information request), COMPLETE (after acceptance).',
      dueAt: 'When the step was due.',
    },
  }),
  notes(ReceiptData, {
    description:
      'The `data` of `mrh.receipt.v1`: the hub applied a partner event, or a partner received a ' +
      'hub event. Receipts are never answered.',
    properties: {
      eventId: 'CloudEvents `id` of the event this receipt is for (also its `causationid`).',
      status:
        '`APPLIED`: the hub applied the partner event. `DELIVERED`: a partner received the hub event.',
    },
  }),
  notes(EventRejectedData, {
    description: "The `data` of `mrh.event.rejected.v1`: the hub refused a partner's event.",
    properties: {
      eventId:
        'CloudEvents `id` of the refused event, as it was sent: not necessarily a UUID, since a ' +
        'malformed id is itself a reason to refuse an event.',
      code: 'Stable machine-readable code, kebab-case; partners branch on it.',
      detail: "What was wrong, for a person reading the partner system's logs.",
      errors: "Per-field errors when the event's data failed validation (the first 200).",
    },
  }),
  notes(FieldErrorDto, {
    description: 'One offending field of a refused event: where it is and what is wrong with it.',
    properties: {
      path: 'Path into the event, e.g. `data.person.names[0].script`; empty for the event itself.',
      message: 'What is wrong, e.g. `must be a UUID`.',
    },
  }),
  notes(AuditCheckpointData, {
    description:
      "The `data` of `mrh.audit.checkpoint.v1`: a signed checkpoint of the hub's audit log, so " +
      'that partners hold evidence of the history and can later prove it was not rewritten.',
    properties: {
      checkpoint:
        'The signed checkpoint note, as text, byte for byte (not Unicode-normalised): the ' +
        'signature is over these exact bytes.',
      cosigned:
        'The newest earlier checkpoint that witnesses cosigned, as a signed note with the ' +
        "hub's signature line and every cosignature line (C2SP `cosignature/v1`) the hub " +
        'verified, so that each witness sees what the others attested. Absent until the first.',
    },
  }),
  notes(AuditCosignedData, {
    description:
      "The `data` of `mrh.audit.cosigned.v1`: a partner system, as a witness of the hub's audit " +
      'log, verified the RFC 9162 consistency proof (`GET /v1/audit/proofs/consistency`) from ' +
      'the last checkpoint it cosigned to this one, and cosigns it.',
    properties: {
      checkpoint:
        "The hub's signed checkpoint note the witness cosigned, byte for byte as received in " +
        '`mrh.audit.checkpoint.v1`.',
      cosignature:
        'The cosignature as a signed-note signature line without its newline, ' +
        '`— <witness key name> base64(key ID ‖ timestamp ‖ Ed25519 signature)`, per C2SP ' +
        "tlog-cosignature `cosignature/v1` (key type 0x04). Checked with the sender country's " +
        'witness key in the party registry.',
    },
  }),
  notes(AuditForkDetectedData, {
    description:
      'The `data` of `mrh.audit.fork-detected.v1`: a witness refuses to cosign a checkpoint ' +
      'that is not an append-only extension of the last one it cosigned, and sends both notes ' +
      'as evidence (it keeps them too).',
    properties: {
      held: "The last checkpoint the witness cosigned (the hub's signed note), byte for byte.",
      offered: "The refused checkpoint (the hub's signed note), byte for byte.",
      reason: 'Why, in words, e.g. `same size, another root`.',
      consistencyProof:
        'The consistency proof the hub served for the two sizes, when it served one ' +
        '(base64 SHA-256 hashes, bottom first).',
    },
  }),
]);

/** The notes that apply to `type`: its own, then its base classes' (nearest first). */
export function notesOf(type: ClassConstructor<object>): {
  description: string | undefined;
  property: (name: string) => string | undefined;
  rules: JsonSchema[];
} {
  const chain: ClassNotes[] = [];
  for (let current: unknown = type; typeof current === 'function';) {
    const found = CLASS_NOTES.get(current as ClassConstructor<object>);
    if (found) chain.push(found);
    current = Object.getPrototypeOf(current);
  }
  return {
    description: CLASS_NOTES.get(type)?.description,
    property: (name) => chain.find((n) => n.properties?.[name] !== undefined)?.properties?.[name],
    // Base rules first: a subclass only adds to them.
    rules: [...chain].reverse().flatMap((n) => n.rules ?? []),
  };
}
