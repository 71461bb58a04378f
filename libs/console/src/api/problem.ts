/** An RFC 9457 problem document as the hub renders it (src/common/problem/render-problem.ts). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: readonly FieldError[];
  correlationId?: string;
}

export interface FieldError {
  path: string;
  message: string;
}

/** A refused or failed request: the problem document, or one made up for a network failure. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string | undefined {
    return this.problem.code;
  }
}

/**
 * Someone else changed the referral since this page read it: `If-Match` no longer matched
 * (`version-mismatch`, 412) or the state moved on (`stale-state`, 409).
 */
export function isStaleChange(problem: Problem): boolean {
  return problem.code === 'version-mismatch' || problem.code === 'stale-state';
}

/** Reads a problem document from an untyped JSON body, with the HTTP status as fallback. */
export function toProblem(status: number, body: unknown): Problem {
  if (typeof body !== 'object' || body === null) return { status };
  const b = body as Record<string, unknown>;
  const problem: Problem = { status: typeof b['status'] === 'number' ? b['status'] : status };
  if (typeof b['type'] === 'string') problem.type = b['type'];
  if (typeof b['title'] === 'string') problem.title = b['title'];
  if (typeof b['detail'] === 'string') problem.detail = b['detail'];
  if (typeof b['code'] === 'string') problem.code = b['code'];
  if (typeof b['correlationId'] === 'string') problem.correlationId = b['correlationId'];
  if (Array.isArray(b['errors'])) {
    problem.errors = (b['errors'] as unknown[]).flatMap((e) =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as FieldError).path === 'string' &&
      typeof (e as FieldError).message === 'string'
        ? [{ path: (e as FieldError).path, message: (e as FieldError).message }]
        : [],
    );
  }
  return problem;
}

/**
 * Normalises a field path to the `a.b[0].c` form the form fields are registered under
 * (class-validator style `a.b.0.c` becomes `a.b[0].c`).
 */
export function normalisePath(path: string): string {
  return path.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

/** The element id of the form control for a field path: stable, and valid in CSS selectors. */
export function fieldId(path: string): string {
  return `f-${normalisePath(path)
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/-$/, '')}`;
}

/** Parent path of `a.b[0].c` (`a.b[0]`), of `a.b[0]` (`a.b`), of `a` (``). */
export function parentPath(path: string): string {
  const index = path.search(/(\.[^.[\]]+|\[\d+\])$/);
  return index <= 0 ? '' : path.slice(0, index);
}

export interface PlacedErrors {
  /** Messages by the path of the field they are shown beside. */
  byField: ReadonlyMap<string, readonly string[]>;
  /** Every error for the summary, each with the field it was placed at (null: none). */
  summary: readonly { path: string; message: string; field: string | null }[];
}

/**
 * Places each of a problem's field errors beside a field of the form: the field of its exact
 * path, else the nearest enclosing field or group (an error on `person.names` goes to the names
 * group, on `victim.guardian` to the guardian group); an error no field encloses goes to the
 * summary only.
 */
export function placeFieldErrors(
  errors: readonly FieldError[],
  fields: ReadonlySet<string>,
): PlacedErrors {
  const byField = new Map<string, string[]>();
  const summary: { path: string; message: string; field: string | null }[] = [];
  for (const error of errors) {
    const path = normalisePath(error.path);
    let field: string | null = null;
    for (let p = path; p !== ''; p = parentPath(p)) {
      if (fields.has(p)) {
        field = p;
        break;
      }
    }
    if (field !== null) byField.set(field, [...(byField.get(field) ?? []), error.message]);
    summary.push({ path, message: error.message, field });
  }
  return { byField, summary };
}
