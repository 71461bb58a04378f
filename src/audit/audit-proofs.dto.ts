import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Matches, Min } from 'class-validator';
import type { AuditActorKind, AuditEntry } from '../audit-trail/audit-entry';
import { IntegerParam } from '../common/integer-param';

/** Most leaves `GET /v1/audit/entries` answers at once (a longer range is cut short). */
export const ENTRIES_PAGE = 1000;

/** A string or null, spelt as OpenAPI 3.1 does (`nullable` is 3.0's). */
const NULLABLE_STRING = { oneOf: [{ type: 'string' }, { type: 'null' }] };

const SIZE_DESCRIPTION =
  'Tree size to prove against: at least 1 and at most the size of the newest signed checkpoint ' +
  '(`GET /v1/audit/checkpoint`), so the proof can be checked against a signed tree head.';

/** `GET /v1/audit/proofs/inclusion`: a leaf by its index. */
export class InclusionQuery {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Leaf index; less than `size`' })
  @IntegerParam()
  @IsInt()
  @Min(0)
  index!: number;

  @ApiProperty({ type: 'integer', minimum: 1, description: SIZE_DESCRIPTION })
  @IntegerParam()
  @IsInt()
  @Min(1)
  size!: number;
}

/** `GET /v1/audit/proofs/inclusion-by-hash`: a leaf by its hash (RFC 9162 get-proof-by-hash). */
export class InclusionByHashQuery {
  @ApiProperty({
    type: 'string',
    pattern: '^[A-Za-z0-9+/_-]{43}=?$',
    description:
      'The 32-byte leaf hash, SHA-256(0x00 ‖ leaf bytes), in base64 or base64url. In a query ' +
      'string `+` must be sent as `%2B` (a bare `+` reads as a space, which is taken as `+`).',
  })
  // Form decoding turns an unescaped `+` into a space; a space is never base64, so put it back.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.replaceAll(' ', '+') : value,
  )
  @Matches(/^[A-Za-z0-9+/_-]{43}=?$/, { message: 'must be a 32-byte hash in base64 or base64url' })
  hash!: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: SIZE_DESCRIPTION })
  @IntegerParam()
  @IsInt()
  @Min(1)
  size!: number;
}

/** `GET /v1/audit/entries`: a range of leaves. */
export class EntriesQuery {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'First leaf index (inclusive)' })
  @IntegerParam()
  @IsInt()
  @Min(0)
  start!: number;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description:
      'Leaf index after the last one (exclusive): greater than `start` and at most the size of ' +
      `the newest signed checkpoint. At most ${ENTRIES_PAGE} leaves are answered at once; the ` +
      "answer's `end` says where it stopped.",
  })
  @IntegerParam()
  @IsInt()
  @Min(1)
  end!: number;
}

/** Answer of `GET /v1/audit/proofs/inclusion`. */
export class InclusionProofView {
  @ApiProperty({ type: 'integer' })
  leafIndex!: number;

  @ApiProperty({ type: 'integer', description: 'The tree size the proof is against' })
  treeSize!: number;

  @ApiProperty({ type: String, description: 'Base64 leaf hash, SHA-256(0x00 ‖ leaf bytes)' })
  leafHash!: string;

  @ApiProperty({
    type: [String],
    description: 'RFC 9162 §2.1.3 inclusion path, base64 nodes, sibling of the leaf first',
  })
  inclusionProof!: string[];
}

/** Answer of `GET /v1/audit/proofs/inclusion-by-hash`. */
export class InclusionByHashView {
  @ApiProperty({ type: 'integer', description: 'Index of the leaf with that hash' })
  leafIndex!: number;

  @ApiProperty({ type: 'integer', description: 'The tree size the proof is against' })
  treeSize!: number;

  @ApiProperty({
    type: [String],
    description: 'RFC 9162 §2.1.3 inclusion path, base64 nodes, sibling of the leaf first',
  })
  inclusionProof!: string[];
}

/** An audit entry as published (OpenAPI's view of the contract's `AuditEntry`). */
export class AuditEntryView implements AuditEntry {
  @ApiProperty({ type: String })
  id!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  recordedAt!: string;

  @ApiProperty({ type: String, enum: ['officer', 'partner-system', 'hub'] })
  actorKind!: AuditActorKind;

  @ApiProperty({ type: String, description: '`sub` of an officer, `partner-system:CC`, or `hub`' })
  actor!: string;

  @ApiProperty(NULLABLE_STRING)
  actorParty!: string | null;

  @ApiProperty({ type: [String] })
  actorRoles!: string[];

  @ApiProperty({
    type: String,
    description: 'e.g. `referral.submit`, `referral.read`, `partner-event.refused`',
  })
  action!: string;

  @ApiProperty({
    ...NULLABLE_STRING,
    description: 'The referral (uuid); null for an entry about no referral',
  })
  referralId!: string | null;

  @ApiProperty(NULLABLE_STRING)
  stateBefore!: string | null;

  @ApiProperty(NULLABLE_STRING)
  stateAfter!: string | null;

  @ApiProperty(NULLABLE_STRING)
  eventId!: string | null;

  @ApiProperty({ ...NULLABLE_STRING, description: 'Hex SHA-256 of the payload' })
  payloadSha256!: string | null;

  @ApiProperty(NULLABLE_STRING)
  outcome!: string | null;
}

/** One leaf of a range: its hash always, its entry where the caller may see it. */
export class LeafView {
  @ApiProperty({ type: 'integer' })
  leafIndex!: number;

  @ApiProperty({
    type: String,
    description: 'Base64 leaf hash: SHA-256(0x00 ‖ RFC 8785 JSON of {leafIndex, …entry})',
  })
  leafHash!: string;

  @ApiPropertyOptional({
    type: AuditEntryView,
    description:
      "Absent where the caller's `history.read` grant does not reach the entry: another " +
      "party's referral, or (for parties) an entry about no referral. The hash is still given, " +
      'so the tree can be rebuilt and checked against a signed checkpoint.',
  })
  entry?: AuditEntry;
}

/** Answer of `GET /v1/audit/entries`. */
export class LeafRangeView {
  @ApiProperty({ type: 'integer' })
  start!: number;

  @ApiProperty({
    type: 'integer',
    description: `End of the leaves answered (exclusive): the asked end, or start + ${ENTRIES_PAGE}`,
  })
  end!: number;

  @ApiProperty({ type: 'integer', description: 'Size of the newest signed checkpoint' })
  treeSize!: number;

  @ApiProperty({ type: [LeafView] })
  entries!: LeafView[];
}
