import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line written while serving one request (or one Kafka record) carries. */
export interface CorrelationContext {
  correlationId: string;
}

/** Holds the correlation id of the work in progress, across awaits. */
export const correlationStorage = new AsyncLocalStorage<CorrelationContext>();

/** Header that carries the correlation id in and out of the HTTP API. */
export const CORRELATION_HEADER = 'x-request-id';

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Takes the caller's correlation id when it is a sane token (so a gateway's id follows the request
 * through our logs) and makes a new one otherwise — never logs arbitrary header content.
 */
export function correlationIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && ACCEPTABLE_ID.test(value) ? value : randomUUID();
}

export function currentCorrelationId(): string | undefined {
  return correlationStorage.getStore()?.correlationId;
}
