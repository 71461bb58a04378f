import { Transform, Type, type ClassConstructor } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsObject,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import {
  HANDLING_CODES,
  isOneOf,
  REFERRAL_PRIORITIES,
  REFERRAL_TYPES,
  type HandlingCode,
  type ReferralPriority,
  type ReferralType,
} from './code-lists';
import {
  EmptyListWhenAbsent,
  IsCode,
  IsPartyCode,
  IsText,
  IsUuid,
  NestedObject,
  NullAsAbsent,
} from './field-rules';
import { HandoffDto } from './handoff.dto';
import { InformationRequestDto } from './information-request.dto';
import { LIMITS } from './limits';
import { PersonDto } from './person.dto';
import { RepatriationDto } from './repatriation.dto';
import { SuspectDto } from './suspect.dto';
import { VictimDto } from './victim.dto';
import { linkVictimToPerson } from './victim-subject';

/** When a section is required on its own type only in some cases, and how to say which. */
interface Requirement {
  when: (content: ReferralContent) => boolean;
  description: string;
}

/**
 * A section that belongs to one referral type: required on that type (or only as `requirement`
 * says), refused on any other. When `type` itself is missing or unknown, only `type` is reported:
 * nothing can be said about the sections.
 */
function Section(
  owner: ReferralType,
  type: () => ClassConstructor<object>,
  requirement?: Requirement,
): PropertyDecorator {
  const condition = requirement ? ` ${requirement.description}` : '';
  const required = `$property is required on a ${owner} referral${condition}`;
  const decorators = [
    NullAsAbsent(),
    ValidateIf(
      (content: ReferralContent, value: unknown) => value !== undefined || content.type === owner,
    ),
    ValidateBy({
      name: 'referralSection',
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const content = args?.object as ReferralContent;
          if (!isOneOf(REFERRAL_TYPES, content.type)) return true;
          if (content.type !== owner) return value === undefined;
          return value !== undefined || (requirement !== undefined && !requirement.when(content));
        },
        defaultMessage: (args?: ValidationArguments) => {
          const content = args?.object as ReferralContent;
          return content.type === owner
            ? required
            : `$property belongs to a ${owner} referral, not to a ${content.type} one`;
        },
      },
    }),
    IsObject({ validateIf: (_content: unknown, value: unknown) => value !== undefined }),
    ValidateNested(),
    Type(type),
  ];
  return (target, key) => {
    for (const decorate of decorators) decorate(target, key);
  };
}

/**
 * The content of a referral: the body of `POST /v1/referrals` and the core of
 * `mrh.referral.submitted.v1`. Common fields, then exactly the sections of its `type`:
 * `victim` + `repatriation` for `VICTIM_REPATRIATION`, `suspect` (+ `handoff`) for
 * `SUSPECT_HANDOFF`, `request` for `INFORMATION_REQUEST`. Whether `to` and the checkpoints are
 * registered is checked by the hub, not by this class.
 */
export class ReferralContent {
  /** Party code of the receiving party, e.g. `VN-MPS`. */
  @IsPartyCode()
  to!: string;

  /** What the referral asks, one of {@link REFERRAL_TYPES}; decides the sections. */
  @IsCode(REFERRAL_TYPES)
  type!: ReferralType;

  /** How fast the receiver is asked to act, one of {@link REFERRAL_PRIORITIES}. */
  @IsCode(REFERRAL_PRIORITIES)
  priority!: ReferralPriority;

  /** The sender's own case number for this referral, e.g. `BK-2026-0417`. */
  @IsText(LIMITS.reference)
  senderReference!: string;

  /** How far the receiver may pass the referral on, `H0`–`H3`. */
  @IsCode(HANDLING_CODES)
  handlingCode!: HandlingCode;

  /** What the case is about and what is asked, in a few sentences. */
  @IsText(LIMITS.text)
  summary!: string;

  /** The person the referral is about (victim, suspect or subject of the request). */
  @NestedObject(() => PersonDto)
  person!: PersonDto;

  /** Ids of other referrals in the hub about the same case; may be empty. */
  @EmptyListWhenAbsent()
  @IsArray()
  @ArrayMaxSize(50, { validateIf: (_content: unknown, ids: unknown) => Array.isArray(ids) })
  @IsUuid({ each: true, validateIf: (_content: unknown, ids: unknown) => Array.isArray(ids) })
  relatedReferrals: string[] = [];

  /** `VICTIM_REPATRIATION` only, and required there: the victim section. */
  @Section('VICTIM_REPATRIATION', () => VictimDto)
  // Lets the victim section see the person's age for its guardian rule (see victim-subject).
  @Transform(({ value, obj }: { value: unknown; obj: { person?: unknown } }) => {
    linkVictimToPerson(value, obj.person);
    return value;
  })
  victim?: VictimDto;

  /** `VICTIM_REPATRIATION` only, and required there: where the victim returns to, and how. */
  @Section('VICTIM_REPATRIATION', () => RepatriationDto)
  repatriation?: RepatriationDto;

  /** `SUSPECT_HANDOFF` only, and required there: the suspect section. */
  @Section('SUSPECT_HANDOFF', () => SuspectDto)
  suspect?: SuspectDto;

  /**
   * `SUSPECT_HANDOFF` only: where and when to hand the suspect over. Required when
   * `suspect.requestedAction` is `SURRENDER_AT_BORDER`, optional for the other actions.
   */
  @Section('SUSPECT_HANDOFF', () => HandoffDto, {
    when: (content) =>
      content.suspect instanceof SuspectDto &&
      content.suspect.requestedAction === 'SURRENDER_AT_BORDER',
    description: 'whose suspect.requestedAction is SURRENDER_AT_BORDER',
  })
  handoff?: HandoffDto;

  /** `INFORMATION_REQUEST` only, and required there: the question asked. */
  @Section('INFORMATION_REQUEST', () => InformationRequestDto)
  request?: InformationRequestDto;
}
