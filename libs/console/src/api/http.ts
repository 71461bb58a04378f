import { ApiError, toProblem } from './problem';

/**
 * The console's one door to the hub: same-origin cookies (the session is an httpOnly cookie the
 * console never sees), the CSRF token on every state-changing request, problem+json turned into
 * {@link ApiError}.
 */
let csrfToken: string | null = null;

let sessionEnded: (() => void) | null = null;

/**
 * Called when the hub answers 401 to an API call: the session ended (idle, expired, signed out
 * elsewhere), so the console goes back to its sign-in page instead of showing an error.
 */
export function onSessionEnded(handler: (() => void) | null): void {
  sessionEnded = handler;
}

/** Remembers the session's CSRF token (kept in memory only, never in storage). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  idempotencyKey?: string;
  ifMatch?: number;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
  if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      ...(options.signal && { signal: options.signal }),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ status: 0, code: 'network-error' });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.status === 401 && !path.startsWith('/auth/')) sessionEnded?.();
  if (!response.ok) throw new ApiError(toProblem(response.status, body));
  return body as T;
}

/** `?a=1&b=2` of the defined, non-empty values. */
export function query(
  params: Record<string, string | number | boolean | undefined | null>,
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
