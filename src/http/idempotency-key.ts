import { CommonError } from '../common/problem/common.error';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** How the `Idempotency-Key` header is described on every route that honours it. */
export const IDEMPOTENCY_KEY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'A retry with the same key and request returns the first response and does nothing again; ' +
    'the same key with another request is refused (422)',
} as const;

/** The request's `Idempotency-Key`, checked; a header no key could be is refused naming it. */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header !== undefined && !IDEMPOTENCY_KEY.test(header)) {
    throw new CommonError('validation-failed', 'The Idempotency-Key header is not usable.', [
      { path: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
    ]);
  }
  return header;
}
