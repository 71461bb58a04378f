/**
 * Outcome of checking untrusted input (a note, a checkpoint): the value, or why it was refused.
 * Refusal is an expected result for such input, so it is returned rather than thrown.
 */
export type TlogResult<T> = { ok: true; value: T } | { ok: false; error: string };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes standard base64 (RFC 4648 §4, padded), or returns undefined.
 *
 * `Buffer.from(s, 'base64')` is lenient — it skips invalid characters and accepts base64url and
 * missing padding — so several strings would decode to the same signature or root. Requiring the
 * canonical encoding (re-encoding gives the input back, which also rules out non-zero padding
 * bits) makes each value have exactly one text form.
 *
 * @internal
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/**
 * Why `text` is not allowed in a signed note, or undefined when it is: signed-note requires valid
 * UTF-8 without ASCII control characters other than newline. A JavaScript string is UTF-16, so
 * "valid UTF-8" means no lone surrogate (which would encode as U+FFFD and change the signed bytes).
 *
 * @internal
 */
export function noteTextProblem(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 && unit !== 0x0a) return `control character U+${hex4(unit)} at offset ${i}`;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return `lone surrogate at offset ${i}`;
      i += 1;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return `lone surrogate at offset ${i}`;
    }
  }
  return undefined;
}

function hex4(unit: number): string {
  return unit.toString(16).toUpperCase().padStart(4, '0');
}
