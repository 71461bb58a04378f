import pino, { type Logger as PinoLogger } from 'pino';
import type { LogLevel } from '../../env';
import { currentCorrelationId } from './correlation';

/**
 * The process's structured JSON logger. Each line carries the correlation id of the request or
 * record being handled, so one referral's journey can be followed across the hub's logs.
 */
export function createRootLogger(level: LogLevel): PinoLogger {
  return pino({
    level,
    base: { service: 'referral-hub' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const correlationId = currentCorrelationId();
      return correlationId === undefined ? {} : { correlationId };
    },
    redact: { paths: ['req.headers.authorization'], censor: '[redacted]' },
  });
}
