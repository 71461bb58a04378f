import {
  CUSTODY_STATUSES,
  REQUESTED_ACTIONS,
  SUSPECT_ROLES,
  type CustodyStatus,
  type RequestedAction,
  type SuspectRole,
} from './code-lists';
import { EmptyListWhenAbsent, IsCode, IsText, NestedList } from './field-rules';
import { LIMITS } from './limits';
import { LinkedVictimDto } from './linked-victim.dto';
import { OffenceDto } from './offence.dto';

/** The suspect section of a `SUSPECT_HANDOFF` referral: what the suspect did and what is asked. */
export class SuspectDto {
  /** The part the suspect is alleged to have played, one of {@link SUSPECT_ROLES}. */
  @IsCode(SUSPECT_ROLES)
  role!: SuspectRole;

  /** Where the suspect is, one of {@link CUSTODY_STATUSES}. */
  @IsCode(CUSTODY_STATUSES)
  custody!: CustodyStatus;

  /** Offences alleged, at least one. */
  @NestedList(() => OffenceDto, { min: 1, max: 20 })
  offences!: OffenceDto[];

  /** The evidence held, summarised (statements, records, seizures); not the evidence itself. */
  @IsText(LIMITS.text)
  evidenceSummary!: string;

  /** What the sender asks the receiver to do, one of {@link REQUESTED_ACTIONS}. */
  @IsCode(REQUESTED_ACTIONS)
  requestedAction!: RequestedAction;

  /** Victims linked to the suspect, by referral id or case reference; may be empty. */
  @EmptyListWhenAbsent()
  @NestedList(() => LinkedVictimDto, { max: 100 })
  linkedVictims: LinkedVictimDto[] = [];
}
