import type { FieldError } from '@hub/contracts';
import type { ProblemCode } from './problem-status';

/**
 * Base of every error the hub refuses a request with. Features subclass it with their own
 * string-literal code union; {@link problemStatus} maps each code to an HTTP status, and the global
 * filter renders it as RFC 9457 problem+json.
 */
export abstract class ProblemError<Code extends ProblemCode = ProblemCode> extends Error {
  constructor(
    readonly code: Code,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
    /** Extra members for the problem document (RFC 9457 §3.2 extensions). */
    readonly extensions?: Readonly<Record<string, unknown>>,
  ) {
    super(`${code}: ${detail}`);
    this.name = new.target.name;
  }
}
