import { logLevel, type logCreator } from 'kafkajs';
import type { Logger as PinoLogger } from 'pino';

/** Sends kafkajs's own log lines into the structured logger, at the matching level. */
export function kafkaLogCreator(logger: PinoLogger): logCreator {
  const child = logger.child({ context: 'kafkajs' });
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      switch (level) {
        case logLevel.ERROR:
          child.error(extra, message);
          break;
        case logLevel.WARN:
          child.warn(extra, message);
          break;
        case logLevel.INFO:
          child.info(extra, message);
          break;
        case logLevel.DEBUG:
          child.debug(extra, message);
          break;
        case logLevel.NOTHING:
          break;
      }
    };
}
