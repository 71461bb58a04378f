/**
 * A border checkpoint code: the two countries it joins (ISO 3166-1 alpha-2, Laos first) and a
 * name, e.g. `LA-VN-DENSAVANH`, `LA-TH-FB4`. Same pattern as `config/checkpoints.json`; whether
 * a code is registered is checked by the hub, not here.
 */
export const CHECKPOINT_CODE_PATTERN = /^[A-Z]{2}-[A-Z]{2}-[A-Z0-9]+$/;

/** True when `code` is a well-formed checkpoint code (registration is checked separately). */
export function isCheckpointCode(code: string): boolean {
  return CHECKPOINT_CODE_PATTERN.test(code);
}
