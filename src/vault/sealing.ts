import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Format byte of a sealed value: AES-256-GCM, 96-bit IV, 128-bit tag. */
const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

/** A sealed value could not be opened: wrong key, wrong context, or altered bytes. */
export class SealError extends Error {
  override readonly name = 'SealError';
}

/**
 * Encrypts `plaintext` with AES-256-GCM under `key` (32 bytes), binding it to `context` (as
 * additional authenticated data) so a sealed value cannot be moved to another row or referral and
 * still open. Layout: format byte ‖ IV ‖ tag ‖ ciphertext.
 */
export function seal(key: Buffer, plaintext: Buffer, context: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(FORMAT_V1), iv, cipher.getAuthTag(), body]);
}

/**
 * Decrypts what {@link seal} produced with the same key and context.
 *
 * @throws SealError when the key or context differ or a byte was changed.
 */
export function open(key: Buffer, sealed: Buffer, context: string): Buffer {
  if (sealed.length < HEADER_BYTES || sealed[0] !== FORMAT_V1) {
    throw new SealError('not a sealed value of a known format');
  }
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, HEADER_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
  } catch (error) {
    throw new SealError(`cannot open the sealed value (${context})`, { cause: error });
  }
}
