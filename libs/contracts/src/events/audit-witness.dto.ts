import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { whenText } from '../referral/field-rules';
import { LIMITS } from '../referral/limits';

/**
 * One C2SP signed-note signature line, `— <key name> <base64>`, without its newline: for a
 * cosignature (`cosignature/v1`, key type 0x04) the base64 is key ID ‖ 8-byte timestamp ‖
 * Ed25519 signature.
 */
/** A SHA-256 hash in base64. */
const BASE64_HASH = /^[A-Za-z0-9+/]{43}=$/;
/** A consistency proof of a tree of up to 2^63 leaves has at most 2·63 nodes. */
const MAX_PROOF_NODES = 126;

const SIGNATURE_LINE = /^\u2014 [^\s+]+ [A-Za-z0-9+/]+={0,2}$/u;

/**
 * The `data` of `mrh.audit.cosigned.v1`, sent by a partner system as a witness of the hub's audit
 * log: it verified that `checkpoint` is consistent with the last checkpoint it cosigned (an RFC
 * 9162 consistency proof from `GET /v1/audit/proofs/consistency`) and cosigns it.
 */
export class AuditCosignedData {
  /**
   * The hub's signed checkpoint note the witness cosigned, byte for byte as the hub sent it in
   * `mrh.audit.checkpoint.v1` (its `checkpoint`).
   */
  @IsString()
  @MaxLength(LIMITS.checkpointNote, whenText)
  @Matches(/\S/u, { message: '$property must not be blank', ...whenText })
  checkpoint!: string;

  /**
   * The witness's cosignature over the checkpoint text, as a signed-note signature line
   * (C2SP tlog-cosignature `cosignature/v1`), without the final newline. Verified by the hub with
   * the witness key of the sender's country in its party registry.
   */
  @IsString()
  @MaxLength(LIMITS.shortText, whenText)
  @Matches(SIGNATURE_LINE, {
    message: '$property must be a signed-note signature line: "— <key name> <base64>"',
    ...whenText,
  })
  cosignature!: string;
}

/**
 * The `data` of `mrh.audit.fork-detected.v1`, sent by a partner system as a witness of the hub's
 * audit log when it refuses to cosign a checkpoint: the checkpoint is not an append-only
 * extension of the one it cosigned last (a fork), or no valid consistency proof could be had.
 * The witness keeps both notes as evidence; this event is the hub's copy of that evidence.
 */
export class AuditForkDetectedData {
  /** The last checkpoint the witness cosigned (the hub's signed note), byte for byte. */
  @IsString()
  @MaxLength(LIMITS.checkpointNote, whenText)
  @Matches(/\S/u, { message: '$property must not be blank', ...whenText })
  held!: string;

  /** The checkpoint it refused to cosign (the hub's signed note), byte for byte. */
  @IsString()
  @MaxLength(LIMITS.checkpointNote, whenText)
  @Matches(/\S/u, { message: '$property must not be blank', ...whenText })
  offered!: string;

  /** Why, in words: e.g. "same size, another root", "the consistency proof does not verify". */
  @IsString()
  @MaxLength(LIMITS.text, whenText)
  @Matches(/\S/u, { message: '$property must not be blank', ...whenText })
  reason!: string;

  /** The consistency proof the hub served, when there was one (base64 hashes, bottom first). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_PROOF_NODES)
  @Matches(BASE64_HASH, { each: true, message: 'each of $property must be base64 of 32 bytes' })
  consistencyProof?: string[];
}
